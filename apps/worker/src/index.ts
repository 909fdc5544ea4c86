export { startWorker, type RunningWorker } from './worker';
export { reconcileJobsOnce } from './maintenance';
