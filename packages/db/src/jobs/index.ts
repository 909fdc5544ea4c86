export { JOBS, JOB_LOGS, type JobDocument } from './job-document';
export {
  JobStore,
  jobIndexSpecs,
  type CreateJobInput,
  type JobListFilter,
  type JobListPage,
} from './job-store';
export {
  JobLogStore,
  jobLogIndexSpecs,
  DEFAULT_MAX_LOG_LINES_PER_JOB,
  LOG_LIMIT_MESSAGE,
  type JobLogEntry,
  type JobLogLevel,
  type JobLogLine,
} from './job-log-store';
