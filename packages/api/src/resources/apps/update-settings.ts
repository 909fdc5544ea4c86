import {
  NotFoundError,
  applySettingsPatch,
  type App,
  type AppSettingsPatch,
  type AuditActor,
} from '@conman/core';
import { type AppsRepository, type AuditLog, type EnvironmentsRepository, type UnitOfWork } from '@conman/db';
import type { AppListCache } from './app-list';

export interface UpdateSettingsDependencies {
  unitOfWork: UnitOfWork;
  apps: AppsRepository;
  environments: EnvironmentsRepository;
  audit: AuditLog;
  appList: Pick<AppListCache, 'forget'>;
}

/**
 * Applies a settings PATCH in one transaction with its audit event (before/after, through the audit
 * log's masking). `canonical_env_id` must name an environment of this app (404 otherwise, the same
 * answer for another app's id), and setting it moves the environments' `is_canonical` flag with it,
 * so both always name the same environment (`null` clears the flag).
 */
export async function updateAppSettings(
  deps: UpdateSettingsDependencies,
  appId: string,
  patch: AppSettingsPatch,
  actor: AuditActor,
): Promise<App> {
  const changed = await deps.unitOfWork.run({ appId, actor }, async ({ session, audit }) => {
    const app = await deps.apps.findById(appId, session);
    if (!app) throw new NotFoundError('App not found');
    const settings = applySettingsPatch(app.settings, patch);
    if (patch.canonical_env_id !== undefined) {
      const found = await deps.environments.setCanonical(appId, patch.canonical_env_id, session);
      if (!found) throw new NotFoundError('Environment not found', { field: 'canonical_env_id' });
    }
    const updated = await deps.apps.updateSettings(appId, settings, session);
    if (!updated) throw new NotFoundError('App not found');
    await audit({
      entityType: 'app',
      entityId: appId,
      action: 'app.settings_updated',
      before: app.settings,
      after: updated.settings,
    });
    return updated;
  });
  await deps.appList.forget(appId);
  return changed;
}
