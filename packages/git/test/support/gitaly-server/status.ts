import * as grpc from '@grpc/grpc-js';
import { ConflictError, NotFoundError, ValidationError } from '@conman/core';
import { MergeConflictError, RefConflictError } from '../../../src';
import {
  MergeConflictError as MergeConflictDetail,
  UserRevertError,
} from '../../../src/gitaly/gen/gitaly/errors';
import { Status } from '../../../src/gitaly/gen/google/rpc/status';

/** A gRPC status the handlers raise deliberately, optionally with one typed detail (google.rpc.Status). */
export class RpcStatusError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
    readonly detail?: { typeName: string; value: Uint8Array },
  ) {
    super(message);
  }
}

export function mergeConflictDetail(paths: string[]): { typeName: string; value: Uint8Array } {
  const value = MergeConflictDetail.encode({
    conflictingFiles: paths.map((path) => Buffer.from(path)),
  }).finish();
  return { typeName: 'gitaly.MergeConflictError', value };
}

export function revertConflictDetail(paths: string[]): { typeName: string; value: Uint8Array } {
  const conflict = { conflictingFiles: paths.map((path) => Buffer.from(path)) };
  const value = UserRevertError.encode({ error: { $case: 'mergeConflict', value: conflict } }).finish();
  return { typeName: 'gitaly.UserRevertError', value };
}

export interface StatusOptions {
  /** Attach MergeConflictError details as upstream Gitaly does; off imitates servers with plain codes. */
  typedConflictDetails: boolean;
}

/** Upstream's codes for the typed errors of the local adapter. */
function rpcStatusOf(error: unknown, options: StatusOptions): RpcStatusError {
  if (error instanceof RpcStatusError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof MergeConflictError) {
    const detail = options.typedConflictDetails ? mergeConflictDetail(error.conflictingPaths) : undefined;
    return new RpcStatusError(grpc.status.FAILED_PRECONDITION, message, detail);
  }
  if (error instanceof RefConflictError) return new RpcStatusError(grpc.status.ABORTED, message);
  if (error instanceof NotFoundError) return new RpcStatusError(grpc.status.NOT_FOUND, message);
  if (error instanceof ConflictError) return new RpcStatusError(grpc.status.FAILED_PRECONDITION, message);
  if (error instanceof ValidationError) return new RpcStatusError(grpc.status.INVALID_ARGUMENT, message);
  return new RpcStatusError(grpc.status.INTERNAL, message);
}

export function serviceErrorOf(error: unknown, options: StatusOptions): Partial<grpc.ServiceError> {
  const status = rpcStatusOf(error, options);
  const metadata = new grpc.Metadata();
  if (status.detail) {
    const details = [
      { typeUrl: `type.googleapis.com/${status.detail.typeName}`, value: Buffer.from(status.detail.value) },
    ];
    const encoded = Status.encode({ code: status.code, message: status.message, details }).finish();
    metadata.set('grpc-status-details-bin', Buffer.from(encoded));
  }
  return { code: status.code, details: status.message, metadata };
}
