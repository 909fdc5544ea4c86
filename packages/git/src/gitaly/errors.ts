import { GitError } from '../errors';

/**
 * The server lacks an operation: it answered UNIMPLEMENTED, or a stubbed success with an empty result
 * (GIT_BACKEND.md §3). HTTP 502 like every other backend failure; callers check capabilities first.
 */
export class GitUnsupportedError extends GitError {
  readonly operation: string;
  constructor(operation: string, reason: string) {
    super(`Git backend does not support ${operation}: ${reason}`, { operation, reason });
    this.operation = operation;
  }
}
