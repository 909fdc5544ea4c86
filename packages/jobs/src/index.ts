export * from './mail';
export * from './log-sink';
export * from './checks/types';
export { runBuiltInChecks } from './checks/run-checks';
export { SCHEMAS_CONFIG_PATH } from './checks/schemas';
export { buildGateEnvironment, type GateContext, type GateName } from './msuite/environment';
export * from './sandbox';
export { runInProcessGroup, type CommandSpec, type ProcessGroupOutcome } from './msuite/process-group';
export { runMsuiteCommand, type CommandResult, type CommandOutcome } from './msuite/run-command';
export { executeGate, type ExecuteGateRequest, type GateResult, type GateOutcome } from './gate/execute-gate';
export { InfrastructureError } from './runtime/errors';
export {
  isInfrastructureFailure,
  retryDelayMs,
  decideAttemptEnd,
  leaseExpiryFailure,
  retryOrFail,
  DEFAULT_RETRY_BACKOFF,
  type RetryBackoff,
  type AttemptEnd,
  type AttemptDecision,
  type RetryableFailure,
} from './runtime/retry-policy';
export type { JobHandler, JobHandlerContext, JobHandlerOutcome, JobAbortReason } from './runtime/handler';
export { noopJobMetrics, type JobMetrics, type JobOutcomeLabel } from './runtime/metrics';
export {
  JobQueues,
  createBullConnection,
  createProducerConnection,
  queueNameOf,
  bullJobIdOf,
  cancelChannelOf,
  DEFAULT_REDIS_PREFIX,
} from './runtime/queues';
export { JobProducer } from './runtime/producer';
export {
  settlePendingRefMoves,
  refMoveOutcome,
  refMoveHappened,
  type RefProbe,
  type SettleRefMovesOptions,
  type SettleRefMovesReport,
} from './refs/settle-ref-moves';
export { reconcileJobs, type ReconcileReport, type ReconcileOptions } from './runtime/reconciler';
export { startJobWorkers, type StartJobWorkersOptions, type JobWorkers } from './runtime/start-workers';
export {
  runGate,
  createGateHandler,
  GATE_JOB_TYPES,
  type RunGateRequest,
  type GateEntity,
  type GateSettings,
  type GateSettingsResolver,
  type GateHandlerOptions,
} from './gate/gate-jobs';
export { appGateSettings, gateSettingsOf } from './gate/app-gate-settings';
