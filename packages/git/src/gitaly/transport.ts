import { setTimeout as delay } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { currentRequestContext, silentLogger, uuidv7, type Logger } from '@conman/core';
import { authorizationHeader } from './auth';
import {
  DEFAULT_MAX_RECEIVE_BYTES,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type GitalyAdapterConfig,
  type GitalyAuth,
  type GitalyRetryPolicy,
  type GitalyTimeouts,
} from './config';

/**
 * What a call does, which decides its deadline and whether it may be retried: reads and writes guarded
 * by an expected old value are safe to repeat, other writes are not (GIT_BACKEND.md §3).
 */
export type CallKind = 'read' | 'cas-write' | 'write' | 'health';

export interface MethodDefinition<Request, Response> {
  path: string;
  requestSerialize: (value: Request) => Buffer;
  responseDeserialize: (value: Buffer) => Response;
}

const RETRYABLE_CODES: ReadonlySet<grpc.status> = new Set([
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
]);

/** A failed RPC with the gRPC status and trailers kept for typed-error parsing. */
export class GitalyRpcError extends Error {
  readonly code: grpc.status;
  readonly metadata: grpc.Metadata;
  readonly method: string;
  /** More than one attempt was made: a CAS failure may be our own earlier, unacknowledged attempt. */
  readonly retried: boolean;

  constructor(method: string, cause: Partial<grpc.ServiceError>, attempts: number) {
    const code = cause.code ?? grpc.status.UNKNOWN;
    super(`${method}: ${grpc.status[code]} ${cause.details ?? cause.message ?? ''}`.trim(), { cause });
    this.name = 'GitalyRpcError';
    this.code = code;
    this.metadata = cause.metadata ?? new grpc.Metadata();
    this.method = method;
    this.retried = attempts > 1;
  }
}

function isServiceError(error: unknown): error is grpc.ServiceError {
  return error instanceof Error && typeof (error as Partial<grpc.ServiceError>).code === 'number';
}

/** One channel to the server; adds deadline, auth and correlation metadata, and retries where safe. */
export class GitalyTransport {
  private readonly client: grpc.Client;
  private readonly timeouts: GitalyTimeouts;
  private readonly retry: GitalyRetryPolicy;
  private readonly auth: GitalyAuth | undefined;
  private readonly logger: Logger;

  constructor(config: GitalyAdapterConfig) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...config.timeouts };
    this.retry = { ...DEFAULT_RETRY, ...config.retry };
    this.auth = config.auth;
    this.logger = config.logger ?? silentLogger;
    const credentials = config.tlsRootCerts
      ? grpc.credentials.createSsl(config.tlsRootCerts)
      : grpc.credentials.createInsecure();
    this.client = new grpc.Client(config.address, credentials, {
      'grpc.max_receive_message_length': config.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_BYTES,
      // Reconnect quickly after an outage so that our own retries find the channel ready again.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2_000,
    });
  }

  close(): void {
    this.client.close();
  }

  unary<Request, Response>(
    method: MethodDefinition<Request, Response>,
    request: Request,
    kind: CallKind,
  ): Promise<Response> {
    return this.withRetry(method.path, kind, (metadata, options) => {
      return new Promise<Response>((resolve, reject) => {
        this.client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          metadata,
          options,
          (error, response) =>
            response === undefined ? reject(error ?? new Error('empty reply')) : resolve(response),
        );
      });
    });
  }

  /** Collects every message of a server stream (a retry restarts the stream from scratch). */
  serverStream<Request, Response>(
    method: MethodDefinition<Request, Response>,
    request: Request,
    kind: CallKind,
  ): Promise<Response[]> {
    return this.withRetry(method.path, kind, (metadata, options) => {
      return new Promise<Response[]>((resolve, reject) => {
        const messages: Response[] = [];
        const call = this.client.makeServerStreamRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          metadata,
          options,
        );
        call.on('data', (message: Response) => messages.push(message));
        call.on('error', reject);
        call.on('end', () => resolve(messages));
      });
    });
  }

  clientStream<Request, Response>(
    method: MethodDefinition<Request, Response>,
    requests: readonly Request[],
    kind: CallKind,
  ): Promise<Response> {
    return this.withRetry(method.path, kind, (metadata, options) => {
      return new Promise<Response>((resolve, reject) => {
        const call = this.client.makeClientStreamRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          metadata,
          options,
          (error, response) =>
            response === undefined ? reject(error ?? new Error('empty reply')) : resolve(response),
        );
        for (const request of requests) call.write(request);
        call.end();
      });
    });
  }

  private async withRetry<T>(
    path: string,
    kind: CallKind,
    attempt: (metadata: grpc.Metadata, options: grpc.CallOptions) => Promise<T>,
  ): Promise<T> {
    const maxAttempts = kind === 'read' || kind === 'cas-write' ? Math.max(1, this.retry.attempts) : 1;
    for (let attemptNumber = 1; ; attemptNumber += 1) {
      try {
        return await attempt(this.metadata(), { deadline: Date.now() + this.deadlineMs(kind) });
      } catch (error) {
        if (!isServiceError(error)) throw error;
        if (attemptNumber >= maxAttempts || !RETRYABLE_CODES.has(error.code)) {
          throw new GitalyRpcError(path, error, attemptNumber);
        }
        const backoffMs = this.backoffMs(attemptNumber);
        this.logger.warn('gitaly call failed, retrying', {
          method: path,
          code: grpc.status[error.code],
          backoffMs,
        });
        await delay(backoffMs);
      }
    }
  }

  /** Exponential backoff with full jitter on the upper half, so concurrent callers spread out. */
  private backoffMs(attemptNumber: number): number {
    const ceiling = Math.min(this.retry.maxBackoffMs, this.retry.initialBackoffMs * 2 ** (attemptNumber - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private deadlineMs(kind: CallKind): number {
    if (kind === 'health') return this.timeouts.healthMs;
    return kind === 'read' ? this.timeouts.readMs : this.timeouts.writeMs;
  }

  private metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    metadata.set('x-correlation-id', currentRequestContext()?.requestId ?? uuidv7());
    if (this.auth) metadata.set('authorization', authorizationHeader(this.auth));
    return metadata;
  }
}
