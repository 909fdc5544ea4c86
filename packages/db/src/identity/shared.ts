import { MongoServerError, ObjectId } from 'mongodb';
import { ConflictError } from '@conman/core';

/** Optional transaction session every repository method accepts, so callers compose units of work. */

/** Parses a 24-hex id; null for anything else, which lookups treat as "not found". */
export function parseObjectId(id: string): ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : null;
}

export function toObjectId(id: string): ObjectId {
  const parsed = parseObjectId(id);
  if (!parsed) throw new TypeError(`not an ObjectId: ${id}`);
  return parsed;
}

const DUPLICATE_KEY = 11000;

export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/** Turns a unique-index violation into the 409 a client should see; rethrows everything else. */
export async function conflictOnDuplicate<T>(
  message: string,
  work: () => Promise<T>,
  details?: Record<string, unknown>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new ConflictError(message, details);
    throw error;
  }
}
