import { randomUUID } from 'node:crypto';
import { ObjectId, type Collection, type Db, type ClientSession } from 'mongodb';
import type { IndexSpec } from '../indexes';

export const NOTIFICATION_OUTBOX = 'notification_outbox';

export interface MailContent {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** `sending` only while a drainer holds the lease; an expired lease makes the message claimable again. */
export type OutboxState = 'pending' | 'sending' | 'sent';

export interface OutboxMessage extends MailContent {
  id: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** A claimed message and the lease token that proves the claim when reporting the outcome. */
export interface ClaimedMessage {
  message: OutboxMessage;
  leaseToken: string;
}

export interface OutboxDocument {
  _id: ObjectId;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  state: OutboxState;
  attempts: number;
  next_attempt_at: Date;
  lease_token: string | null;
  lease_expires_at: Date | null;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

export const outboxIndexSpecs: IndexSpec[] = [
  { collection: NOTIFICATION_OUTBOX, key: { state: 1, next_attempt_at: 1 }, options: { name: 'outbox_due' } },
  {
    collection: NOTIFICATION_OUTBOX,
    key: { state: 1, lease_expires_at: 1 },
    options: { name: 'outbox_lease' },
  },
];

export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 5_000, maxDelayMs: 60 * 60 * 1000 };

/** Exponential backoff after the n-th failed attempt (1-based), capped; messages are retried forever. */
export function retryDelayMs(attempts: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
}

function toMessage(doc: OutboxDocument): OutboxMessage {
  return {
    id: doc._id.toHexString(),
    to: doc.to,
    subject: doc.subject,
    text: doc.text,
    ...(doc.html !== null && { html: doc.html }),
    state: doc.state,
    attempts: doc.attempts,
    nextAttemptAt: doc.next_attempt_at,
    lastError: doc.last_error,
    createdAt: doc.created_at,
    sentAt: doc.sent_at,
  };
}

/** The mail outbox: messages are enqueued with the change that causes them and drained by workers. */
export class MailOutbox {
  private readonly collection: Collection<OutboxDocument>;

  constructor(
    db: Db,
    private readonly retryPolicy: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {
    this.collection = db.collection<OutboxDocument>(NOTIFICATION_OUTBOX);
  }

  async enqueue(mail: MailContent, session?: ClientSession): Promise<OutboxMessage> {
    const now = new Date();
    const doc: OutboxDocument = {
      _id: new ObjectId(),
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html ?? null,
      state: 'pending',
      attempts: 0,
      next_attempt_at: now,
      lease_token: null,
      lease_expires_at: null,
      last_error: null,
      created_at: now,
      sent_at: null,
    };
    await this.collection.insertOne(doc, { session });
    return toMessage(doc);
  }

  /**
   * Atomically takes the oldest due message (or one whose previous drainer's lease ran out), so two
   * drainers never deliver the same message concurrently.
   */
  async claim(leaseMs: number, now = new Date()): Promise<ClaimedMessage | null> {
    const leaseToken = randomUUID();
    const doc = await this.collection.findOneAndUpdate(
      {
        $or: [
          { state: 'pending', next_attempt_at: { $lte: now } },
          { state: 'sending', lease_expires_at: { $lte: now } },
        ],
      },
      {
        $set: {
          state: 'sending',
          lease_token: leaseToken,
          lease_expires_at: new Date(now.getTime() + leaseMs),
        },
      },
      { sort: { next_attempt_at: 1 }, returnDocument: 'after' },
    );
    return doc ? { message: toMessage(doc), leaseToken } : null;
  }

  /** False when the lease was lost (another drainer took over); the outcome is then not recorded. */
  async markSent(claim: ClaimedMessage, now = new Date()): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: new ObjectId(claim.message.id), lease_token: claim.leaseToken },
      {
        $set: { state: 'sent', sent_at: now, lease_token: null, lease_expires_at: null, last_error: null },
        $inc: { attempts: 1 },
      },
    );
    return result.modifiedCount === 1;
  }

  /** Back to pending with the attempt counted and the next try pushed out exponentially. */
  async markFailed(claim: ClaimedMessage, error: string, now = new Date()): Promise<boolean> {
    const attempts = claim.message.attempts + 1;
    const result = await this.collection.updateOne(
      { _id: new ObjectId(claim.message.id), lease_token: claim.leaseToken },
      {
        $set: {
          state: 'pending',
          attempts,
          last_error: error.slice(0, 1000),
          next_attempt_at: new Date(now.getTime() + retryDelayMs(attempts, this.retryPolicy)),
          lease_token: null,
          lease_expires_at: null,
        },
      },
    );
    return result.modifiedCount === 1;
  }

  async findById(id: string): Promise<OutboxMessage | null> {
    const doc = await this.collection.findOne({ _id: new ObjectId(id) });
    return doc ? toMessage(doc) : null;
  }
}
