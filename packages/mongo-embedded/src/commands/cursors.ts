import { BSON, Long, type Document } from 'bson';
import { ErrorCodes, mongoError } from '../errors';
import { MAX_BSON_OBJECT_BYTES } from '../wire/messages';

interface OpenCursor {
  namespace: string;
  docs: Document[];
  position: number;
  sessionKey: string | undefined;
  lastUsed: number;
}

const DEFAULT_FIRST_BATCH = 101;

/**
 * Server-side cursors over fully materialised results. Batches stop at the requested size or just under the 16 MiB
 * reply limit, whichever comes first; a cursor id of 0 tells the driver there is nothing more.
 */
export class CursorRegistry {
  private readonly open = new Map<bigint, OpenCursor>();

  firstBatch(
    namespace: string,
    docs: Document[],
    options: { batchSize?: number; singleBatch?: boolean; sessionKey?: string },
  ): Document {
    const cursor: OpenCursor = {
      namespace,
      docs,
      position: 0,
      sessionKey: options.sessionKey,
      lastUsed: Date.now(),
    };
    const batch = this.takeBatch(cursor, options.batchSize ?? DEFAULT_FIRST_BATCH);
    let id = 0n;
    if (!options.singleBatch && cursor.position < docs.length) {
      id = BigInt.asIntN(64, BigInt(Math.floor(Math.random() * 2 ** 52)) + 1n);
      this.open.set(id, cursor);
    }
    return { cursor: { firstBatch: batch, id: Long.fromBigInt(id), ns: namespace }, ok: 1 };
  }

  nextBatch(id: bigint, namespace: string, batchSize: number | undefined): Document {
    const cursor = this.open.get(id);
    if (!cursor || cursor.namespace !== namespace) {
      throw mongoError(ErrorCodes.CursorNotFound, `cursor id ${id} not found`);
    }
    cursor.lastUsed = Date.now();
    const batch = this.takeBatch(cursor, batchSize ?? Number.MAX_SAFE_INTEGER);
    const exhausted = cursor.position >= cursor.docs.length;
    if (exhausted) this.open.delete(id);
    return { cursor: { nextBatch: batch, id: Long.fromBigInt(exhausted ? 0n : id), ns: namespace }, ok: 1 };
  }

  kill(ids: bigint[]): { killed: bigint[]; notFound: bigint[] } {
    const killed: bigint[] = [];
    const notFound: bigint[] = [];
    for (const id of ids) (this.open.delete(id) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  killForSession(sessionKey: string): void {
    for (const [id, cursor] of this.open) if (cursor.sessionKey === sessionKey) this.open.delete(id);
  }

  /** Closes cursors idle longer than `idleMs` (MongoDB's cursorTimeoutMillis is 10 minutes). */
  expireIdle(idleMs: number, now = Date.now()): void {
    for (const [id, cursor] of this.open) if (now - cursor.lastUsed > idleMs) this.open.delete(id);
  }

  private takeBatch(cursor: OpenCursor, batchSize: number): Document[] {
    const batch: Document[] = [];
    let bytes = 0;
    const limit = batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER;
    while (batch.length < limit && cursor.position < cursor.docs.length) {
      const doc = cursor.docs[cursor.position]!;
      // A batch always carries its first document, so only later ones need sizing (single-document replies skip it).
      if (batch.length > 0) {
        if (bytes === 0) bytes = BSON.calculateObjectSize(batch[0]!);
        bytes += BSON.calculateObjectSize(doc);
        if (bytes > MAX_BSON_OBJECT_BYTES - 64 * 1024) break;
      }
      batch.push(doc);
      cursor.position += 1;
    }
    return batch;
  }
}
