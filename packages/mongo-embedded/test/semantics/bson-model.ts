import { BSON, type Document } from 'bson';
import type { Doc } from '../../src/semantics';

/** Round-trips a value through BSON exactly as the server stores it (numbers become Int32/Double instances). */
export function stored<T extends Document>(value: T): Doc {
  return BSON.deserialize(BSON.serialize(value), { promoteValues: false, bsonRegExp: true });
}

/** A BSON value as the server sees it, by wrapping it in a document. */
export function storedValue(value: unknown): unknown {
  return stored({ value }).value;
}

/** Plain JS view for readable assertions (numbers unwrapped, Long as bigint-safe number). */
export function plain(value: unknown): unknown {
  return BSON.deserialize(BSON.serialize({ value }), { promoteLongs: true }).value;
}
