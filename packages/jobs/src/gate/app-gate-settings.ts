import { NotFoundError } from '@conman/core';
import type { AppsRepository } from '@conman/db';
import type { GateSettingsResolver } from './gate-jobs';

/**
 * Gate settings from the app record: its repository and the `validation_gates` entry named like the
 * gate (no entry: built-in checks only). Runtime profiles do not exist yet, so the scope's variables
 * are empty until that issue resolves them here.
 */
export function appGateSettings(apps: AppsRepository): GateSettingsResolver {
  return async (job, gate) => {
    const app = job.appId === null ? null : await apps.findById(job.appId);
    if (!app) throw new NotFoundError('The job\'s app no longer exists', { app_id: job.appId });
    const configured = app.settings.validation_gates.find((entry) => entry.name === gate);
    return {
      repoPath: app.repoPath,
      scopeEnv: {},
      ...(configured ? { command: configured.command, timeoutMs: configured.timeout_seconds * 1000 } : {}),
    };
  };
}
