import type { Document } from 'bson';
import type { IndexSpec } from './index-store';

/** One durable change; the journal and the snapshot are sequences of these, replayed in order at start. */
export type JournalOp =
  | { op: 'put'; db: string; coll: string; doc: Document }
  | { op: 'del'; db: string; coll: string; id: unknown }
  | { op: 'create'; db: string; coll: string; options: Document }
  | { op: 'drop'; db: string; coll: string }
  | { op: 'dropDatabase'; db: string }
  | { op: 'createIndex'; db: string; coll: string; spec: IndexSpec }
  | { op: 'dropIndex'; db: string; coll: string; name: string }
  | { op: 'rename'; db: string; coll: string; toDb: string; toColl: string };

export interface Durability {
  /** Resolves once `ops` are on stable storage. */
  append(ops: JournalOp[]): Promise<void>;
}
