import { createServer } from 'node:net';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { runWithRequestContext, ValidationError } from '@conman/core';
import {
  GitalyAdapter,
  GitUnavailableError,
  GitUnsupportedError,
  LocalGitAdapter,
  type GitalyAdapterConfig,
  type GitalyAuth,
} from '../src';
import { describeGitAdapterContract, type ContractEnvironment } from './contract/contract';
import { alice, commitOn, seedRepository } from './contract/fixtures';
import { startGitalyTestServer, type GitalyTestServer } from './support/gitaly-server';

const SECRET = 'contract-secret';
const TOKEN_AUTH: GitalyAuth = { mode: 'token', token: SECRET };
const HMAC_AUTH: GitalyAuth = { mode: 'hmac-v2', secret: SECRET };

/** Each run gets its own prefix so repositories of earlier runs on a shared server never collide. */
function repoPaths(prefix: string): () => string {
  let counter = 0;
  return () => `${prefix}/repo-${++counter}.git`;
}

// One in-process server for the whole file; it accepts both token modes like a server migrating between them.
let server: GitalyTestServer | undefined;
async function testServer(): Promise<GitalyTestServer> {
  server ??= await startGitalyTestServer({ acceptedAuth: [TOKEN_AUTH, HMAC_AUTH] });
  return server;
}
afterAll(async () => server?.stop());

function adapterFor(target: GitalyTestServer, config: Partial<GitalyAdapterConfig> = {}): GitalyAdapter {
  return new GitalyAdapter({
    address: target.address,
    storageName: target.storageName,
    auth: TOKEN_AUTH,
    ...config,
  });
}

describeGitAdapterContract('GitalyAdapter → test server', async (): Promise<ContractEnvironment> => {
  const adapter = adapterFor(await testServer());
  return { adapter, repoPath: repoPaths('contract'), teardown: () => adapter.close() };
});

/** A real Gitaly (or gitaly-rs) named by CONMAN_TEST_GITALY_ADDRESS; token and storage from the environment. */
async function againstRealServer(address: string): Promise<ContractEnvironment> {
  const config: GitalyAdapterConfig = {
    address,
    storageName: process.env.CONMAN_TEST_GITALY_STORAGE ?? 'default',
  };
  const token = process.env.CONMAN_TEST_GITALY_TOKEN;
  if (token) {
    config.auth =
      process.env.CONMAN_TEST_GITALY_AUTH_MODE === 'hmac-v2'
        ? { mode: 'hmac-v2', secret: token }
        : { mode: 'token', token };
  }
  const adapter = new GitalyAdapter(config);
  const created: string[] = [];
  const next = repoPaths(`conman-contract-${Date.now()}`);
  return {
    adapter,
    repoPath: () => {
      const path = next();
      created.push(path);
      return path;
    },
    teardown: async () => {
      await Promise.all(created.map((path) => adapter.removeRepository(path)));
      await adapter.close();
    },
  };
}

// Registered only when a real server is configured, so a plain run shows no skipped tests.
const realAddress = process.env.CONMAN_TEST_GITALY_ADDRESS;
if (realAddress)
  describeGitAdapterContract(`GitalyAdapter → ${realAddress}`, () => againstRealServer(realAddress));

describe('GitalyAdapter over gRPC', () => {
  let target: GitalyTestServer;
  let adapter: GitalyAdapter;
  const nextRepo = repoPaths('adapter');
  const callsOf = (method: string) => target.calls.filter((call) => call.method === method);

  beforeAll(async () => {
    target = await testServer();
    adapter = adapterFor(target);
  });
  afterAll(() => adapter.close());

  describe('authentication', () => {
    it('is accepted with a raw token and with an upstream v2 HMAC token', async () => {
      for (const auth of [TOKEN_AUTH, HMAC_AUTH]) {
        const client = adapterFor(target, { auth });
        try {
          expect(await client.checkHealth()).toMatchObject({ ok: true, backend: 'gitaly' });
          expect(await client.repositoryExists(nextRepo())).toBe(false);
        } finally {
          await client.close();
        }
      }
      expect(target.calls.at(-1)?.authorization).toMatch(/^Bearer v2\.[0-9a-f]{64}\.\d+$/);
    });

    it('is refused with a wrong or missing token as a typed unavailable error', async () => {
      for (const auth of [
        { mode: 'token', token: 'wrong' } as const,
        { mode: 'hmac-v2', secret: 'wrong' } as const,
        undefined,
      ]) {
        const client = adapterFor(target, { auth });
        try {
          const error = await client.repositoryExists(nextRepo()).catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(GitUnavailableError);
          expect((error as GitUnavailableError).details).toMatchObject({ grpc_code: 'UNAUTHENTICATED' });
          expect(await client.checkHealth()).toMatchObject({ ok: false, backend: 'gitaly' });
        } finally {
          await client.close();
        }
      }
    });
  });

  it('sends the request id as x-correlation-id, or a generated one outside a request', async () => {
    await runWithRequestContext({ requestId: 'req-correlation-1' }, () =>
      adapter.repositoryExists(nextRepo()),
    );
    expect(target.calls.at(-1)?.correlationId).toBe('req-correlation-1');
    await adapter.repositoryExists(nextRepo());
    expect(target.calls.at(-1)?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('retries', () => {
    it('retries a read whose deadline expired, but not a plain write', async () => {
      const client = adapterFor(target, { timeouts: { readMs: 1_000, writeMs: 1_000 } });
      try {
        target.inject({ method: 'RepositoryExists', delayMs: 2_500 });
        const before = callsOf('RepositoryExists').length;
        expect(await client.repositoryExists(nextRepo())).toBe(false);
        expect(callsOf('RepositoryExists').length - before).toBeGreaterThanOrEqual(2);

        target.inject({ method: 'CreateRepository', delayMs: 2_500 });
        const writesBefore = callsOf('CreateRepository').length;
        const error = await client.createRepository(nextRepo()).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(GitUnavailableError);
        expect((error as GitUnavailableError).details).toMatchObject({ grpc_code: 'DEADLINE_EXCEEDED' });
        expect(callsOf('CreateRepository').length - writesBefore).toBe(1);
      } finally {
        await client.close();
      }
    });

    it('retries reads and CAS-guarded writes on UNAVAILABLE with growing pauses', async () => {
      const repo = nextRepo();
      const first = await seedRepository(adapter, repo, { 'a.txt': '1' });
      target.inject({ method: 'FindCommit', code: GrpcStatus.UNAVAILABLE, times: 2 });
      const before = callsOf('FindCommit').length;
      expect(await adapter.resolveRef(repo, 'refs/heads/main')).toBe(first);
      const attempts = callsOf('FindCommit').slice(before);
      expect(attempts).toHaveLength(3);
      const [a, b, c] = attempts.map((call) => call.at) as [number, number, number];
      expect(b - a).toBeGreaterThanOrEqual(50);
      expect(c - b).toBeGreaterThanOrEqual(100);

      target.inject({ method: 'UpdateReferences', code: GrpcStatus.UNAVAILABLE });
      const second = await adapter.commitFiles(repo, {
        parent: first,
        changes: [],
        message: 'm',
        author: alice,
      });
      await adapter.updateRefs(repo, [{ ref: 'refs/heads/main', newSha: second, expectedOldSha: first }]);
      expect(await adapter.resolveRef(repo, 'refs/heads/main')).toBe(second);

      target.inject({ method: 'CreateRepository', code: GrpcStatus.UNAVAILABLE });
      await expect(adapter.createRepository(nextRepo())).rejects.toBeInstanceOf(GitUnavailableError);
    });

    it('reaches a server that starts only after the first attempt failed', async () => {
      const port = await freePort();
      let late: Promise<GitalyTestServer> | undefined;
      const logger = {
        debug: () => undefined,
        info: () => undefined,
        error: () => undefined,
        child: () => logger,
        // The first failed attempt is the signal to start the server, so the retry must find it.
        warn: () => void (late ??= startGitalyTestServer({ port })),
      };
      const client = new GitalyAdapter({
        address: `127.0.0.1:${port}`,
        retry: { attempts: 8, initialBackoffMs: 100, maxBackoffMs: 400 },
        logger,
      });
      try {
        expect(await client.repositoryExists(nextRepo())).toBe(false);
        expect(late).toBeDefined();
      } finally {
        await client.close();
        await (await late)?.stop();
      }
    });
  });

  describe('degraded servers', () => {
    it('treats an empty-success reply as unsupported and turns the capability off', async () => {
      const client = adapterFor(target);
      try {
        const repo = nextRepo();
        const base = await seedRepository(client, repo, { 'a.txt': 'a' });
        const next = await commitOn(client, repo, 'refs/heads/main', { 'b.txt': 'b' });
        expect(client.capabilities.mergeTree).toBe(true);
        target.inject({ method: 'UserMergeToRef', respond: { commitId: '' } });
        await expect(client.mergeCommits(repo, base, next)).rejects.toBeInstanceOf(GitUnsupportedError);
        expect(client.capabilities.mergeTree).toBe(false);
        expect(await client.listRefs(repo, 'refs/')).toEqual([{ ref: 'refs/heads/main', sha: next }]);

        target.inject({ method: 'FindMergeBase', respond: { base: '' } });
        await expect(client.mergeBase(repo, base, next)).rejects.toBeInstanceOf(GitUnsupportedError);
      } finally {
        await client.close();
      }
    });

    it('falls back to ListConflictFiles without typed details, and to unknown paths without that', async () => {
      const client = adapterFor(target);
      try {
        const repo = nextRepo();
        const base = await seedRepository(client, repo, { 'x.txt': 'x\n', 'y.txt': 'y\n' });
        const ours = await commitOn(client, repo, 'refs/heads/main', { 'x.txt': 'ours\n' });
        await client.updateRefs(repo, [{ ref: 'refs/heads/topic', newSha: base, expectedOldSha: null }]);
        const theirs = await commitOn(client, repo, 'refs/heads/topic', { 'x.txt': 'theirs\n' });

        const typedBefore = callsOf('ListConflictFiles').length;
        expect((await client.mergeCommits(repo, ours, theirs)).conflictingPaths).toEqual(['x.txt']);
        expect(callsOf('ListConflictFiles').length).toBe(typedBefore);

        target.settings.typedConflictDetails = false;
        expect(await client.mergeCommits(repo, ours, theirs)).toEqual({
          clean: false,
          treeSha: null,
          conflictingPaths: ['x.txt'],
        });
        expect(callsOf('ListConflictFiles').length).toBe(typedBefore + 1);

        target.inject({ method: 'ListConflictFiles', code: GrpcStatus.UNIMPLEMENTED });
        expect(await client.mergeCommits(repo, ours, theirs)).toEqual({
          clean: false,
          treeSha: null,
          conflictingPaths: [],
        });
        expect(client.capabilities.conflictFileList).toBe(false);
      } finally {
        target.settings.typedConflictDetails = true;
        await client.close();
      }
    });
  });

  it('accepts a blob sent in one message larger than gRPC’s default 4 MiB limit', async () => {
    const repo = nextRepo();
    const big = Buffer.alloc(6 * 1024 * 1024, 7);
    const sha = await seedRepository(adapter, repo, { 'big.bin': big });
    target.settings.blobChunkBytes = 0;
    try {
      expect((await adapter.readBlob(repo, sha, 'big.bin'))?.content.equals(big)).toBe(true);
    } finally {
      target.settings.blobChunkBytes = 128 * 1024;
    }
  });

  it('leaves no scratch refs behind once closed', async () => {
    const client = adapterFor(target);
    const repo = nextRepo();
    const base = await seedRepository(client, repo, { 'a.txt': 'a\n' });
    const next = await commitOn(client, repo, 'refs/heads/main', { 'b.txt': 'b\n' });
    await client.commitFiles(repo, { parent: next, changes: [], message: 'loose', author: alice });
    await client.mergeCommits(repo, base, next);
    await client.revert(repo, { commit: next, onto: next, author: alice });
    await client.close();
    const backing = new LocalGitAdapter({ storageRoot: target.storageRoot });
    try {
      expect(await backing.listRefs(repo, 'refs/')).toEqual([{ ref: 'refs/heads/main', sha: next }]);
    } finally {
      await backing.close();
    }
  });

  it('follows the GetTreeEntries pagination cursor across pages', async () => {
    const client = adapterFor(target, { treePageSize: 3 });
    try {
      const repo = nextRepo();
      const files = Object.fromEntries(
        Array.from({ length: 8 }, (_, index) => [`d/f${index}.txt`, `${index}`]),
      );
      const sha = await seedRepository(client, repo, files);
      const before = callsOf('GetTreeEntries').length;
      const entries = await client.listTree(repo, sha, { recursive: true });
      expect(entries.map((entry) => entry.path).sort()).toEqual(['d', ...Object.keys(files)].sort());
      expect(callsOf('GetTreeEntries').length - before).toBe(3);
    } finally {
      await client.close();
    }
  });

  it('validates input before anything reaches the server', async () => {
    const before = target.calls.length;
    await expect(adapter.resolveRef('../escape.git', 'refs/heads/main')).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(adapter.resolveRef(nextRepo(), '--output=x')).rejects.toBeInstanceOf(ValidationError);
    await expect(adapter.readBlob(nextRepo(), 'refs/heads/main', '../x')).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(target.calls.length).toBe(before);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
