import type { Logger } from '@conman/core';
import type { ApiKeyLookup } from '@conman/auth';
import type { ApiKeysRepository, UnitOfWork } from '@conman/db';

/** At most one `api_key.used` audit event per key per hour: usage is visible without flooding the log. */
export const API_KEY_USAGE_AUDIT_INTERVAL_MS = 60 * 60 * 1000;

export interface AuditedApiKeyLookupDependencies {
  unitOfWork: UnitOfWork;
  apiKeys: ApiKeysRepository;
  logger: Logger;
  intervalMs?: number;
}

/**
 * API key authentication that leaves a trace (SPEC §13): the repository stamps `last_used_at` (at most
 * once a minute) and, when the key's last usage event is older than the interval, one process wins the
 * conditional claim and writes `api_key.used` in the same transaction. A failure to audit is logged and
 * does not refuse the request; the next use tries again, since the claim did not commit.
 */
export function auditedApiKeyLookup(deps: AuditedApiKeyLookupDependencies): ApiKeyLookup {
  const intervalMs = deps.intervalMs ?? API_KEY_USAGE_AUDIT_INTERVAL_MS;
  return {
    authenticate: async (tokenHash) => {
      const now = new Date();
      const key = await deps.apiKeys.authenticate(tokenHash, now);
      if (!key) return null;
      const due = key.usageAuditedAt === null || key.usageAuditedAt.getTime() <= now.getTime() - intervalMs;
      if (due) {
        try {
          await deps.unitOfWork.run(
            { appId: key.appId, actor: { type: 'api_key', id: key.id } },
            async ({ session, audit }) => {
              if (!(await deps.apiKeys.claimUsageAudit(key.id, now, intervalMs, session))) return;
              await audit({
                entityType: 'api_key',
                entityId: key.id,
                action: 'api_key.used',
                after: { name: key.name, role: key.role, used_at: now.toISOString() },
              });
            },
          );
        } catch (error) {
          deps.logger.warn('API key usage not audited', { key_id: key.id, error: (error as Error).message });
        }
      }
      return key;
    },
  };
}
