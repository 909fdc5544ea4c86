import type { Logger } from '@conman/core';
import type { GitCapabilities } from '../adapter';

/**
 * How the adapter authenticates. `token` sends the raw token (gitaly-rs compares it verbatim);
 * `hmac-v2` sends upstream Gitaly's time-limited `v2.<hex HMAC-SHA256(secret, unix-seconds)>.<unix-seconds>`.
 */
export type GitalyAuth = { mode: 'token'; token: string } | { mode: 'hmac-v2'; secret: string };

export interface GitalyTimeouts {
  /** Deadline of read RPCs. */
  readMs: number;
  /** Deadline of RPCs that write objects or move refs. */
  writeMs: number;
  /** Deadline of the readiness probe. */
  healthMs: number;
}

export interface GitalyRetryPolicy {
  /** Total attempts including the first (1 disables retries). */
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** Identity sent as `User` on the RPCs that need one (the committer of merges, rebases and reverts). */
export interface GitalyServiceUser {
  glId: string;
  glUsername: string;
}

export interface GitalyAdapterConfig {
  /** `host:port` (no scheme). */
  address: string;
  /** Gitaly storage that holds Conman's repositories. */
  storageName?: string;
  auth?: GitalyAuth;
  /** PEM root certificates; when set the channel uses TLS, otherwise plaintext. */
  tlsRootCerts?: Buffer;
  timeouts?: Partial<GitalyTimeouts>;
  retry?: Partial<GitalyRetryPolicy>;
  /** Largest message accepted from the server; some servers send a whole blob in one message. */
  maxReceiveMessageBytes?: number;
  /** Tree entries asked for per GetTreeEntries page (default 2,000). */
  treePageSize?: number;
  user?: Partial<GitalyServiceUser>;
  /** Turns capabilities off for servers known to lack (or stub) an RPC. */
  capabilities?: Partial<GitCapabilities>;
  logger?: Logger;
}

export const DEFAULT_TIMEOUTS: GitalyTimeouts = { readMs: 30_000, writeMs: 60_000, healthMs: 2_000 };
export const DEFAULT_RETRY: GitalyRetryPolicy = { attempts: 4, initialBackoffMs: 100, maxBackoffMs: 2_000 };
export const DEFAULT_MAX_RECEIVE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_STORAGE_NAME = 'default';
export const DEFAULT_TREE_PAGE_SIZE = 2_000;
export const DEFAULT_SERVICE_USER: GitalyServiceUser = { glId: 'user-conman', glUsername: 'conman' };
