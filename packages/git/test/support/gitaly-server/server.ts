import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { TreeEntry } from '@conman/core';
import { LocalGitAdapter, type GitalyAuth } from '../../../src';
import { Admission, type Fault, type RecordedCall } from './admission';
import { commitService, blobService } from './commits-blobs';
import type { ServiceContext, TestServerSettings } from './context';
import { repoPathOf } from './convert';
import { conflictsService, diffService } from './diffs';
import { HandlerFactory } from './handlers';
import { operationService } from './operations';
import { refService, repositoryService } from './repository-refs';

export interface GitalyTestServerOptions extends Partial<TestServerSettings> {
  /** Tokens the server accepts (any of them); none: no authentication. */
  acceptedAuth?: GitalyAuth[];
  /** Listen on this port (default: any free port). */
  port?: number;
  /** Serve this storage directory instead of a fresh temporary one (e.g. to restart a server). */
  storageRoot?: string;
}

export interface GitalyTestServer {
  /** `127.0.0.1:<port>`, as the GitalyAdapter expects it. */
  address: string;
  port: number;
  storageName: string;
  storageRoot: string;
  /** Every call received, in order. */
  calls: RecordedCall[];
  /** Read on every call, so tests may change them while the server runs. */
  settings: TestServerSettings;
  inject(fault: Fault): void;
  /** Stops serving; removes the storage unless it was passed in. */
  stop(): Promise<void>;
}

const DEFAULT_SETTINGS: TestServerSettings = {
  storageName: 'default',
  blobChunkBytes: 128 * 1024,
  treeEntriesPerMessage: 50,
  typedConflictDetails: true,
};

/**
 * A Gitaly-protocol server for tests: the subset of GIT_BACKEND.md §3 implemented over LocalGitAdapter,
 * answering like upstream where the GitalyAdapter depends on it (typed conflict details, zero-oid refs,
 * atomic UpdateReferences, paginated GetTreeEntries, chunked GetBlobs).
 */
export async function startGitalyTestServer(
  options: GitalyTestServerOptions = {},
): Promise<GitalyTestServer> {
  const settings: TestServerSettings = { ...DEFAULT_SETTINGS, ...withoutUndefined(options) };
  const storageRoot = options.storageRoot ?? (await mkdtemp(join(tmpdir(), 'conman-gitaly-test-')));
  const local = new LocalGitAdapter({ storageRoot });
  const admission = new Admission(options.acceptedAuth ?? []);
  const context: ServiceContext = {
    local,
    handlers: new HandlerFactory(admission, settings),
    settings,
    repoPath: (repository) => repoPathOf(settings.storageName, repository),
    directoryListing: directoryCache(local),
  };
  // A strict receive limit, far below the 5 MiB files of the contract: uploads only pass when chunked.
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 1024 * 1024 });
  for (const [definition, implementation] of [
    repositoryService(context),
    refService(context),
    commitService(context),
    blobService(context),
    diffService(context),
    conflictsService(context),
    operationService(context),
  ]) {
    server.addService(definition, implementation as grpc.UntypedServiceImplementation);
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `127.0.0.1:${options.port ?? 0}`,
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    );
  });
  return {
    address: `127.0.0.1:${port}`,
    port,
    storageName: settings.storageName,
    storageRoot,
    calls: admission.calls,
    settings,
    inject: (fault) => admission.inject(fault),
    stop: async () => {
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      await local.close();
      if (!options.storageRoot) await rm(storageRoot, { recursive: true, force: true });
    },
  };
}

// Bounds the cache; a full cache simply starts over.
const MAX_CACHED_DIRECTORIES = 5_000;

function directoryCache(local: LocalGitAdapter): ServiceContext['directoryListing'] {
  const cache = new Map<string, Promise<TreeEntry[]>>();
  return (repoPath, commit, directory) => {
    const key = `${repoPath}\0${commit}\0${directory}`;
    let listing = cache.get(key);
    if (!listing) {
      if (cache.size >= MAX_CACHED_DIRECTORIES) cache.clear();
      listing = local.listTree(repoPath, commit, directory === '' ? {} : { path: directory }).catch(() => []);
      cache.set(key, listing);
    }
    return listing;
  };
}

function withoutUndefined(options: GitalyTestServerOptions): Partial<TestServerSettings> {
  const settings: Partial<TestServerSettings> = {};
  if (options.storageName !== undefined) settings.storageName = options.storageName;
  if (options.blobChunkBytes !== undefined) settings.blobChunkBytes = options.blobChunkBytes;
  if (options.treeEntriesPerMessage !== undefined)
    settings.treeEntriesPerMessage = options.treeEntriesPerMessage;
  if (options.typedConflictDetails !== undefined)
    settings.typedConflictDetails = options.typedConflictDetails;
  return settings;
}
