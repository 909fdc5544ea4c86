import { createHmac, timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import type { GitalyAuth } from '../../../src';
import { RpcStatusError } from './status';

/** One misbehaviour to show for the next `times` calls of `method` (e.g. `FindCommit`). */
export interface Fault {
  method: string;
  times?: number;
  /** Wait this long before answering (lets the client's deadline expire). */
  delayMs?: number;
  /** Fail with this status instead of answering. */
  code?: grpc.status;
  /** Answer with this reply (unary) or these messages (streams) instead of doing the work. */
  respond?: unknown;
}

export interface RecordedCall {
  method: string;
  /** `Date.now()` when the call arrived. */
  at: number;
  correlationId: string | undefined;
  authorization: string | undefined;
}

const HMAC_V2 = /^Bearer v2\.([0-9a-f]{64})\.(\d+)$/;
// Upstream accepts v2 tokens whose timestamp is within 30 s of its clock.
const V2_TOKEN_SKEW_SECONDS = 30;

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function isAuthorized(auth: GitalyAuth, header: string | undefined): boolean {
  if (header === undefined) return false;
  if (auth.mode === 'token') return safeEqual(header, `Bearer ${auth.token}`);
  const match = HMAC_V2.exec(header);
  if (!match) return false;
  const [, signature = '', issuedAt = ''] = match;
  if (Math.abs(Date.now() / 1000 - Number(issuedAt)) > V2_TOKEN_SKEW_SECONDS) return false;
  return safeEqual(signature, createHmac('sha256', auth.secret).update(issuedAt).digest('hex'));
}

function header(metadata: grpc.Metadata, key: string): string | undefined {
  const [value] = metadata.get(key);
  return value === undefined ? undefined : String(value);
}

/** The gate every call passes: records it, checks the token and plays injected faults. */
export class Admission {
  readonly calls: RecordedCall[] = [];
  private readonly faults: Fault[] = [];

  /** `accepted` empty: no authentication. */
  constructor(private readonly accepted: GitalyAuth[]) {}

  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Resolves to an injected reply, or `undefined` when the real handler should run. */
  async admit(method: string, metadata: grpc.Metadata): Promise<{ reply: unknown } | undefined> {
    const authorization = header(metadata, 'authorization');
    this.calls.push({
      method,
      at: Date.now(),
      correlationId: header(metadata, 'x-correlation-id'),
      authorization,
    });
    if (this.accepted.length > 0 && !this.accepted.some((auth) => isAuthorized(auth, authorization))) {
      throw new RpcStatusError(grpc.status.UNAUTHENTICATED, 'authentication failed');
    }
    const fault = this.faults.find((candidate) => candidate.method === method && (candidate.times ?? 0) > 0);
    if (!fault) return undefined;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.delayMs) await delay(fault.delayMs);
    if (fault.code !== undefined) throw new RpcStatusError(fault.code, `injected ${grpc.status[fault.code]}`);
    return fault.respond === undefined ? undefined : { reply: fault.respond };
  }
}
