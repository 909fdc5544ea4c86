import { silentLogger, type Logger } from '@conman/core';
import type { MailOutbox } from '@conman/db';
import type { MailTransport } from './transport';

export interface OutboxDrainerOptions {
  outbox: MailOutbox;
  transport: MailTransport;
  from: string;
  /** How long a claimed message is reserved for this drainer before another may retry it. */
  leaseMs?: number;
  /** Pause between polls when the outbox has nothing due. */
  pollIntervalMs?: number;
  logger?: Logger;
  /** Clock, injectable so tests can step past backoff delays instead of sleeping. */
  now?: () => Date;
}

/**
 * Delivers outbox messages. A failed send is recorded and retried later with backoff; a message only
 * leaves the pending set when the transport accepted it, so nothing is lost while SMTP is down.
 */
export class OutboxDrainer {
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: OutboxDrainerOptions) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
  }

  /** Delivers every message due now; returns how many were sent and how many failed. */
  async drainOnce(): Promise<{ sent: number; failed: number }> {
    const outcome = { sent: 0, failed: 0 };
    const { outbox, transport, from } = this.options;
    for (
      let claim = await outbox.claim(this.leaseMs, this.now());
      claim;
      claim = await outbox.claim(this.leaseMs, this.now())
    ) {
      const { message } = claim;
      try {
        await transport.send({
          from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html !== undefined && { html: message.html }),
        });
        await outbox.markSent(claim, this.now());
        outcome.sent += 1;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        await outbox.markFailed(claim, reason, this.now());
        outcome.failed += 1;
        this.logger.warn('mail delivery failed; will retry', {
          message_id: message.id,
          attempts: message.attempts + 1,
          error: reason,
        });
        // The transport is probably down: stop this round instead of failing every due message.
        break;
      }
    }
    return outcome;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = (): void => {
      this.running = this.drainOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error('mail outbox drain failed', { error }))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.pollIntervalMs);
        });
    };
    tick();
  }

  /** Stops polling and waits for the round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
