import type { GitAdapter } from '../../src';
import { contentCases } from './content-cases';
import { historyCases } from './history-cases';
import { refCases } from './ref-cases';
import { repositoryCases } from './repository-cases';

export interface ContractEnvironment {
  adapter: GitAdapter;
  /** A fresh, not yet created repository path for each call. */
  repoPath: () => string;
  teardown(): Promise<void>;
}

/** What each group of cases sees: the adapter and a fresh repository path, valid inside a test. */
export interface ContractContext {
  adapter(): GitAdapter;
  repoPath(): string;
}

/**
 * The behaviour every GitAdapter must show (issue 4). Runs against LocalGitAdapter and against the
 * GitalyAdapter talking to a Gitaly-protocol server; `setup` runs once per suite.
 */
export function describeGitAdapterContract(name: string, setup: () => Promise<ContractEnvironment>): void {
  describe(`GitAdapter contract: ${name}`, () => {
    let environment: ContractEnvironment | undefined;

    beforeAll(async () => {
      environment = await setup();
    });

    afterAll(async () => {
      await environment?.teardown();
    });

    const context: ContractContext = {
      adapter: () => {
        if (!environment) throw new Error('contract setup did not run');
        return environment.adapter;
      },
      repoPath: () => {
        if (!environment) throw new Error('contract setup did not run');
        return environment.repoPath();
      },
    };

    repositoryCases(context);
    refCases(context);
    contentCases(context);
    historyCases(context);
  });
}
