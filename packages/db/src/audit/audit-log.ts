import { ObjectId, type ClientSession, type Collection, type Db, type Filter } from 'mongodb';
import { currentRequestContext, redact, type AuditActor, type AuditEvent } from '@conman/core';
import type { IndexSpec } from '../indexes';
import { parseObjectId } from '../identity/shared';

export const AUDIT_EVENTS = 'audit_events';

export interface AuditEventDocument {
  _id: ObjectId;
  app_id: ObjectId | null;
  actor: { type: AuditActor['type']; id: string };
  entity_type: string;
  entity_id: string;
  action: string;
  before: unknown;
  after: unknown;
  git_sha: string | null;
  context: { request_id: string | null; client_ip: string | null; user_agent: string | null };
  created_at: Date;
  /** Present on events of Git ref moves, written ahead of the move (`ref-moves.ts`). */
  ref_move?: RefMoveState;
}

export type RefMoveStatus = 'pending' | 'committed' | 'aborted';

/** The ref move an event stands for and whether it happened (docs/audit.md). */
export interface RefMoveState {
  status: RefMoveStatus;
  repo_path: string;
  refs: { ref: string; old_sha: string | null; new_sha: string }[];
  settled_at: Date | null;
  /** MongoDB fields the change wrote, put back when the move aborts (only while they still hold the new values). */
  undo: {
    collection: string;
    id: ObjectId;
    restore: Record<string, unknown>;
    expect: Record<string, unknown>;
  } | null;
}

export const auditIndexSpecs: IndexSpec[] = [
  {
    collection: AUDIT_EVENTS,
    key: { app_id: 1, created_at: -1, _id: -1 },
    options: { name: 'audit_app_time' },
  },
  {
    collection: AUDIT_EVENTS,
    key: { app_id: 1, entity_type: 1, entity_id: 1, created_at: -1 },
    options: { name: 'audit_app_entity' },
  },
  {
    collection: AUDIT_EVENTS,
    key: { 'ref_move.status': 1, created_at: 1 },
    options: { name: 'audit_ref_move_status' },
  },
];

/** What audit reads show: everything but ref moves that are still pending or never happened. */
const VISIBLE: Filter<AuditEventDocument> = { 'ref_move.status': { $nin: ['pending', 'aborted'] } };

export interface AuditRecord {
  appId: string | null;
  actor: AuditActor;
  entityType: string;
  entityId: string;
  action: string;
  before?: unknown;
  after?: unknown;
  gitSha?: string | null;
}

export interface AuditQuery {
  /** The app whose events to read; `null` reads the events tied to no app (sessions, accounts, preferences). */
  appId: string | null;
  entityType?: string;
  entityId?: string;
  action?: string;
  actorId?: string;
  page: number;
  limit: number;
}

function toEvent(doc: AuditEventDocument): AuditEvent {
  return {
    id: doc._id.toHexString(),
    appId: doc.app_id?.toHexString() ?? null,
    actor: doc.actor,
    entityType: doc.entity_type,
    entityId: doc.entity_id,
    action: doc.action,
    before: doc.before,
    after: doc.after,
    gitSha: doc.git_sha,
    context: {
      requestId: doc.context.request_id,
      clientIp: doc.context.client_ip,
      userAgent: doc.context.user_agent,
    },
    createdAt: doc.created_at,
  };
}

/** The stored form of an event, with the request context of the current request. */
export function auditDocument(event: AuditRecord): AuditEventDocument {
  const context = currentRequestContext();
  return {
    _id: new ObjectId(),
    app_id: event.appId === null ? null : new ObjectId(event.appId),
    actor: event.actor,
    entity_type: event.entityType,
    entity_id: event.entityId,
    action: event.action,
    // Secrets never reach the log: sensitive keys and token-shaped strings are masked.
    before: redact(event.before ?? null),
    after: redact(event.after ?? null),
    git_sha: event.gitSha ?? null,
    context: {
      request_id: context?.requestId ?? null,
      client_ip: context?.clientIp ?? null,
      user_agent: context?.userAgent ?? null,
    },
    created_at: new Date(),
  };
}

/**
 * Append-only audit log (SPEC §6.12). `record` takes the caller's transaction session, so the event
 * commits with the change or not at all. There is deliberately no update or delete; the one exception,
 * the status of a ref move written ahead of the move, belongs to `RefMoveJournal`.
 */
export class AuditLog {
  /** Read by `RefMoveJournal`, which settles the events of ref moves in this collection. */
  readonly collection: Collection<AuditEventDocument>;

  constructor(db: Db) {
    this.collection = db.collection<AuditEventDocument>(AUDIT_EVENTS);
  }

  async record(event: AuditRecord, session: ClientSession): Promise<AuditEvent> {
    const doc = auditDocument(event);
    await this.collection.insertOne(doc, { session });
    return toEvent(doc);
  }

  /** Newest first, filtered within one app (or among the events of no app); pending and aborted ref moves are left out. */
  async list(query: AuditQuery): Promise<{ events: AuditEvent[]; total: number }> {
    const app_id = query.appId === null ? null : parseObjectId(query.appId);
    if (query.appId !== null && !app_id) return { events: [], total: 0 };
    const filter: Filter<AuditEventDocument> = { ...VISIBLE, app_id };
    if (query.entityType !== undefined) filter.entity_type = query.entityType;
    if (query.entityId !== undefined) filter.entity_id = query.entityId;
    if (query.action !== undefined) filter.action = query.action;
    if (query.actorId !== undefined) filter['actor.id'] = query.actorId;
    const [docs, total] = await Promise.all([
      this.collection
        .find(filter)
        .sort({ created_at: -1, _id: -1 })
        .skip((query.page - 1) * query.limit)
        .limit(query.limit)
        .toArray(),
      this.collection.countDocuments(filter),
    ]);
    return { events: docs.map(toEvent), total };
  }
}
