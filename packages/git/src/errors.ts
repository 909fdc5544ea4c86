import { ConflictError, ConmanError, NotFoundError, UnavailableError, type ErrorDetails } from '@conman/core';

/** A compare-and-swap ref update lost: some ref did not have the expected old value. Nothing moved. HTTP 409. */
export class RefConflictError extends ConflictError {
  readonly refs: string[];
  constructor(refs: string[], message = `Ref changed concurrently: ${refs.join(', ')}`) {
    super(message, { refs });
    this.refs = refs;
  }
}

/** A repository, revision, ref, tree path or object does not exist. HTTP 404. */
export class GitNotFoundError extends NotFoundError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, details);
  }
}

/**
 * A merge, cherry-pick, rebase or revert does not apply cleanly. HTTP 409 with
 * `details.conflicting_paths` (empty when the backend cannot tell which paths conflict).
 */
export class MergeConflictError extends ConflictError {
  readonly conflictingPaths: string[];
  constructor(conflictingPaths: string[], message = 'Merge conflict') {
    super(message, { conflicting_paths: conflictingPaths });
    this.conflictingPaths = conflictingPaths;
  }
}

/** The Git backend cannot be reached or is not ready (process spawn failure, gRPC UNAVAILABLE). HTTP 503. */
export class GitUnavailableError extends UnavailableError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, details);
  }
}

/** The Git backend failed unexpectedly. HTTP 502. */
export class GitError extends ConmanError {
  constructor(message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super('git_error', message, details, options);
  }
}
