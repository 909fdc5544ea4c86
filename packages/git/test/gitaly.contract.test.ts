import { GitalyAdapter, type GitalyAdapterConfig } from '../src';
import { describeGitAdapterContract, type ContractEnvironment } from './contract/contract';
import { startGitalyTestServer } from './support/gitaly-server';

/** Each run gets its own prefix so repositories of earlier runs on a shared server never collide. */
function repoPaths(prefix: string): () => string {
  let counter = 0;
  return () => `${prefix}/repo-${++counter}.git`;
}

async function againstTestServer(): Promise<ContractEnvironment> {
  const server = await startGitalyTestServer();
  const adapter = new GitalyAdapter({ address: server.address, storageName: server.storageName });
  return {
    adapter,
    repoPath: repoPaths('contract'),
    teardown: async () => {
      await adapter.close();
      await server.stop();
    },
  };
}

/** A real Gitaly (or gitaly-rs) named by CONMAN_TEST_GITALY_ADDRESS; token/storage from the environment. */
async function againstRealServer(address: string): Promise<ContractEnvironment> {
  const config: GitalyAdapterConfig = {
    address,
    storageName: process.env.CONMAN_TEST_GITALY_STORAGE ?? 'default',
  };
  const token = process.env.CONMAN_TEST_GITALY_TOKEN;
  if (token)
    config.auth =
      process.env.CONMAN_TEST_GITALY_AUTH_MODE === 'hmac-v2'
        ? { mode: 'hmac-v2', secret: token }
        : { mode: 'token', token };
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
      await Promise.all(created.map((path) => adapter.removeRepository(path).catch(() => undefined)));
      await adapter.close();
    },
  };
}

describeGitAdapterContract('GitalyAdapter → test server', againstTestServer);

// Registered only when a real server is configured, so a plain run shows no skipped tests.
const realAddress = process.env.CONMAN_TEST_GITALY_ADDRESS;
if (realAddress)
  describeGitAdapterContract(`GitalyAdapter → ${realAddress}`, () => againstRealServer(realAddress));
