import type { CommitSha, TreeEntry } from '@conman/core';
import type { LocalGitAdapter } from '../../../src';
import type { Repository } from '../../../src/gitaly/gen/gitaly/shared';
import type { HandlerFactory } from './handlers';

export interface TestServerSettings {
  storageName: string;
  /** Bytes of blob data per GetBlobs/GetBlob message; 0 sends each blob in one message. */
  blobChunkBytes: number;
  /** Tree entries per GetTreeEntries message. */
  treeEntriesPerMessage: number;
  typedConflictDetails: boolean;
}

/** What the service implementations share. */
export interface ServiceContext {
  local: LocalGitAdapter;
  handlers: HandlerFactory;
  settings: TestServerSettings;
  repoPath(repository: Repository | undefined): string;
  /** Entries of one directory of a commit (cached: a commit's trees never change), `[]` when absent. */
  directoryListing(repoPath: string, commit: CommitSha, directory: string): Promise<TreeEntry[]>;
}
