import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoMemoryReplSet } from 'mongodb-memory-server-core';
import type { MongoBackendKind } from '../runtime-file';
import { startChild, type ManagedChild } from './child';

export interface MongoBackend {
  uri: string;
  kind: MongoBackendKind;
  /** What was chosen, for the startup banner and test output. */
  description: string;
  /** The engine's own process when Conman started one (the embedded engine), for supervision. */
  child?: ManagedChild;
  stop(): Promise<void>;
}

export interface SelectMongoOptions {
  /** An explicit URI wins (CONMAN_MONGO_URI / CONMAN_TEST_MONGO_URI). */
  uri?: string;
  /** Directory for the database files; undefined keeps data in memory only. */
  dbPath?: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** Port of the embedded engine (default: a free one); a restart passes the first one to keep the URI. */
  port?: number;
}

/**
 * SPEC §2.2 selection: explicit URI, else mongodb-memory-server when a `mongod` binary is available
 * locally (it is never downloaded), else the project's embedded MongoDB-wire-compatible engine.
 */
export async function startMongoBackend(options: SelectMongoOptions): Promise<MongoBackend> {
  if (options.uri) {
    return {
      uri: options.uri,
      kind: 'external',
      description: `external MongoDB`,
      stop: async () => undefined,
    };
  }
  const binary = findMongodBinary(options.env ?? process.env);
  if (binary) return startMemoryServer(binary, options.dbPath);
  return startEmbeddedEngine(options);
}

export function findMongodBinary(env: NodeJS.ProcessEnv): string | undefined {
  const candidates: string[] = [];
  if (env.MONGOMS_SYSTEM_BINARY) candidates.push(env.MONGOMS_SYSTEM_BINARY);
  const cacheDirs = [
    env.MONGOMS_DOWNLOAD_DIR,
    path.join(process.cwd(), 'node_modules', '.cache', 'mongodb-memory-server'),
    path.join(os.homedir(), '.cache', 'mongodb-binaries'),
  ].filter((dir): dir is string => Boolean(dir));
  for (const dir of cacheDirs) candidates.push(...listMongodFiles(dir));
  for (const dir of (env.PATH ?? '').split(path.delimiter))
    if (dir) candidates.push(path.join(dir, 'mongod'));
  return candidates.find(isExecutableFile);
}

function listMongodFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith('mongod'))
    .map((name) => path.join(dir, name));
}

function isExecutableFile(file: string): boolean {
  try {
    const stats = statSync(file);
    return stats.isFile() && (stats.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

async function startMemoryServer(binary: string, dbPath: string | undefined): Promise<MongoBackend> {
  const replSet = await MongoMemoryReplSet.create({
    binary: { systemBinary: binary },
    replSet: { count: 1, storageEngine: 'wiredTiger' },
    instanceOpts: [{ ...(dbPath ? { dbPath } : {}), storageEngine: 'wiredTiger' }],
  });
  return {
    uri: replSet.getUri(),
    kind: 'mongodb-memory-server',
    description: `mongodb-memory-server (${binary})`,
    stop: async () => {
      await replSet.stop({ doCleanup: !dbPath, force: false });
    },
  };
}

/** Runs the engine as its own process so the database never shares an event loop with its clients. */
export async function startEmbeddedEngine(options: SelectMongoOptions): Promise<MongoBackend> {
  const bin = path.join(
    path.dirname(require.resolve('@conman/mongo-embedded')),
    '..',
    'bin',
    'conman-mongod.js',
  );
  const args = [
    bin,
    '--port',
    String(options.port ?? 0),
    '--bind_ip',
    '127.0.0.1',
    ...(options.dbPath ? ['--dbpath', options.dbPath] : []),
  ];
  let uri = '';
  const child = await startChild({
    name: 'conman-mongod',
    command: process.execPath,
    args,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: process.env.NODE_ENV ?? 'production' },
    logFile: options.logFile,
    readyWhen: (output) => {
      const match = /listening (mongodb:\/\/\S+)/.exec(output);
      if (match?.[1]) uri = match[1];
      return Boolean(match);
    },
  });
  return {
    uri,
    kind: 'embedded-engine',
    description: `embedded engine (pid ${child.process.pid}${options.dbPath ? `, ${options.dbPath}` : ', in memory'})`,
    child,
    stop: () => child.stop(),
  };
}
