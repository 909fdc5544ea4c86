/** Audit events (docs/audit.md): append-only, written in the same transaction as the change. */

export type AuditActorType = 'user' | 'api_key' | 'system';

export interface AuditActor {
  type: AuditActorType;
  id: string;
}

export interface AuditContext {
  requestId: string | null;
  clientIp: string | null;
  userAgent: string | null;
}

export interface AuditEvent {
  id: string;
  appId: string | null;
  actor: AuditActor;
  entityType: string;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
  gitSha: string | null;
  context: AuditContext;
  createdAt: Date;
}
