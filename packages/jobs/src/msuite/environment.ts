import { ValidationError } from '@conman/core';

/** submit, merge (release assembly/publish), deploy, and manual for on-demand validation of any commit. */
export type GateName = 'submit' | 'merge' | 'deploy' | 'manual';

/** Who the gate runs for; each id becomes a `CONMAN_*` variable when present. */
export interface GateContext {
  jobId: string;
  appId: string;
  gate: GateName;
  commitSha: string;
  baseSha?: string;
  changesetId?: string;
  releaseId?: string;
  environmentId?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface GateEnvironmentInput {
  context: GateContext;
  /** The gate scope's resolved variables (runtime profile or app defaults), given by the caller. */
  scopeEnv: Record<string, string>;
  /** PATH for the command; a fixed system PATH unless the deployment configures one. */
  path?: string;
}

/**
 * The complete environment of an msuite command, built from nothing: the server's own variables
 * (secrets, database URIs) never reach it. Context variables are applied last so scope variables
 * cannot impersonate them. HOME (and TMPDIR) are the command runner's: private to each run.
 */
export function buildGateEnvironment(input: GateEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.scopeEnv)) {
    if (!ENV_NAME.test(name)) throw new ValidationError('Invalid environment variable name', { name });
    env[name] = value;
  }
  const { context } = input;
  Object.assign(env, {
    PATH: input.path ?? DEFAULT_PATH,
    LANG: 'C.UTF-8',
    CONMAN_JOB_ID: context.jobId,
    CONMAN_APP_ID: context.appId,
    CONMAN_GATE: context.gate,
    CONMAN_COMMIT_SHA: context.commitSha,
  });
  const optional: Array<[string, string | undefined]> = [
    ['CONMAN_BASE_SHA', context.baseSha],
    ['CONMAN_CHANGESET_ID', context.changesetId],
    ['CONMAN_RELEASE_ID', context.releaseId],
    ['CONMAN_ENVIRONMENT_ID', context.environmentId],
  ];
  for (const [name, value] of optional) if (value !== undefined) env[name] = value;
  return env;
}
