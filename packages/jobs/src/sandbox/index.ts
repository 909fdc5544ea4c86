export {
  bwrapArguments,
  SANDBOX_WORKDIR,
  SANDBOX_HOME,
  type BwrapPlan,
  type SystemPath,
  type SandboxIdentity,
} from './bwrap-arguments';
export {
  resolveCommandSandbox,
  sandboxRefusal,
  sandboxStartupNotice,
  sandboxIdentityFor,
  type CommandSandbox,
  type CommandSandboxSetting,
} from './command-sandbox';
export { runSandboxedCommand, SANDBOX_NETWORK_DEFAULTS, type SandboxedCommandRun } from './run-sandboxed';
export { detectSystemLayout } from './system-layout';
