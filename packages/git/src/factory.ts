import path from 'node:path';
import type { ConmanConfig, Logger } from '@conman/core';
import type { GitAdapter } from './adapter';
import { GitalyAdapter } from './gitaly';
import { LocalGitAdapter } from './local/local-adapter';

export interface GitAdapterFactoryConfig {
  /** Where LocalGitAdapter keeps bare repositories (e.g. `<data dir>/repos`). */
  storageRoot: string;
  /** `host:port` of a Gitaly-compatible server; when set, Gitaly is used instead of local storage. */
  gitalyAddress?: string;
  gitalyToken?: string;
  /** `raw`: the token as is (gitaly-rs); `v2`: upstream Gitaly's HMAC scheme with the token as secret. */
  gitalyTokenMode?: 'raw' | 'v2';
  gitalyStorage?: string;
  logger?: Logger;
}

/** Gitaly when an address is configured (CONMAN_GITALY_ADDRESS), else bare repositories under `storageRoot`. */
export function createGitAdapter(config: GitAdapterFactoryConfig): GitAdapter {
  if (!config.gitalyAddress) return new LocalGitAdapter({ storageRoot: config.storageRoot });
  const token = config.gitalyToken;
  return new GitalyAdapter({
    address: config.gitalyAddress,
    storageName: config.gitalyStorage,
    auth: token
      ? config.gitalyTokenMode === 'raw'
        ? { mode: 'token', token }
        : { mode: 'hmac-v2', secret: token }
      : undefined,
    logger: config.logger,
  });
}

/** The adapter a Conman process uses: local storage under `<data dir>/repos` unless Gitaly is configured. */
export function createGitAdapterForConfig(config: ConmanConfig, logger?: Logger): GitAdapter {
  return createGitAdapter({
    storageRoot: path.join(config.dataDir, 'repos'),
    gitalyAddress: config.gitaly.address,
    gitalyToken: config.gitaly.token,
    gitalyTokenMode: config.gitaly.tokenMode,
    gitalyStorage: config.gitaly.storage,
    logger,
  });
}
