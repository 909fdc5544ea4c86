import { status as GrpcStatus } from '@grpc/grpc-js';
import { isConmanError } from '@conman/core';
import { GitError, GitNotFoundError, GitUnavailableError } from '../errors';
import { GitUnsupportedError } from './errors';
import { MergeConflictError as MergeConflictDetail, UserRevertError } from './gen/gitaly/errors';
import { Status } from './gen/google/rpc/status';
import { GitalyRpcError } from './transport';

const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

function typeName(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

/**
 * The conflicting paths of a typed conflict detail (`grpc-status-details-bin` → google.rpc.Status with a
 * gitaly.MergeConflictError, bare or wrapped in gitaly.UserRevertError), or `null` when the error has none.
 */
export function conflictPathsFromStatus(error: GitalyRpcError): string[] | null {
  for (const raw of error.metadata.get(STATUS_DETAILS_KEY)) {
    if (!Buffer.isBuffer(raw)) continue;
    let details;
    try {
      details = Status.decode(raw).details;
    } catch {
      continue;
    }
    for (const detail of details) {
      const name = typeName(detail.typeUrl);
      if (name === 'gitaly.MergeConflictError') {
        return MergeConflictDetail.decode(detail.value).conflictingFiles.map((file) => file.toString('utf8'));
      }
      if (name === 'gitaly.UserRevertError') {
        const wrapped = UserRevertError.decode(detail.value).error;
        if (wrapped?.$case === 'mergeConflict')
          return wrapped.value.conflictingFiles.map((file) => file.toString());
      }
    }
  }
  return null;
}

export function isRpcError(error: unknown, ...codes: GrpcStatus[]): error is GitalyRpcError {
  return error instanceof GitalyRpcError && (codes.length === 0 || codes.includes(error.code));
}

/** Maps an RPC failure that no operation-specific rule claimed to the adapter's typed errors. */
export function toGitError(error: unknown, operation: string): Error {
  if (isConmanError(error)) return error;
  if (!(error instanceof GitalyRpcError)) {
    return new GitError(`${operation} failed`, { operation }, { cause: error });
  }
  const details = { operation, method: error.method, grpc_code: GrpcStatus[error.code] };
  switch (error.code) {
    case GrpcStatus.NOT_FOUND:
      return new GitNotFoundError(error.message, details);
    case GrpcStatus.UNIMPLEMENTED:
      return new GitUnsupportedError(operation, `the server answered UNIMPLEMENTED for ${error.method}`);
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.DEADLINE_EXCEEDED:
    case GrpcStatus.UNAUTHENTICATED:
    case GrpcStatus.PERMISSION_DENIED:
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return new GitUnavailableError(error.message, details);
    default:
      return new GitError(error.message, details, { cause: error });
  }
}
