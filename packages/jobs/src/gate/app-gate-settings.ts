import { z } from 'zod';
import { NotFoundError, appSettingsShape, type App } from '@conman/core';
import type { AppsRepository } from '@conman/db';
import type { GateName } from '../msuite/environment';
import { GATE_JOB_TYPES, type GateSettings, type GateSettingsResolver } from './gate-jobs';

/**
 * What the worker needs from `app.settings`, read defensively: the settings schema is owned by the
 * apps module and may be older or newer than this worker. An entry that does not parse is ignored
 * rather than failing every gate of the app.
 */
const gateEntry = z.object({
  name: z.string(),
  command: z.union([z.string().min(1), z.array(z.string()).min(1), z.null()]).optional(),
  timeout_seconds: z.number().int().min(1).max(86_400).optional(),
  network: z.boolean().optional(),
});

export function gateSettingsOf(app: App, gate: GateName): GateSettings {
  const settings = app.settings as unknown as Record<string, unknown>;
  const gates = Array.isArray(settings.validation_gates) ? settings.validation_gates : [];
  // Entries are named after the job type (`msuite_submit`, the settings contract); the short gate
  // name (`submit`) of earlier records is still honoured.
  const configured = gates
    .map((entry) => gateEntry.safeParse(entry))
    .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
    .find((entry) => entry.name === GATE_JOB_TYPES[gate] || entry.name === gate);
  // The settings contract's rules: shell-safe names, never `CONMAN_*` (those are context variables).
  const scopeEnv = appSettingsShape.default_env_vars.safeParse(settings.default_env_vars ?? {});
  return {
    repoPath: app.repoPath,
    scopeEnv: scopeEnv.success ? scopeEnv.data : {},
    ...(configured?.command ? { command: configured.command } : {}),
    ...(configured?.timeout_seconds ? { timeoutMs: configured.timeout_seconds * 1000 } : {}),
    ...(configured?.network === undefined ? {} : { network: configured.network }),
  };
}

/**
 * Gate settings from the app record: its repository, the `validation_gates` entry of the gate (none,
 * or a `null` command: built-in checks only) and, as the scope's variables, the app's
 * `default_env_vars` — the stand-in for runtime profiles until they exist (SPEC §8 gate scopes).
 */
export function appGateSettings(apps: AppsRepository): GateSettingsResolver {
  return async (job, gate) => {
    const app = job.appId === null ? null : await apps.findById(job.appId);
    if (!app) throw new NotFoundError("The job's app no longer exists", { app_id: job.appId });
    return gateSettingsOf(app, gate);
  };
}
