import type { Engine } from './engine';
import type { JournalOp } from './journal-ops';
import { idKeyOf } from './collection';
import { valueKey } from '../semantics/value-key';

/**
 * Re-applies one durable op at start-up. Ops are idempotent here (creating what exists or dropping what is gone is
 * skipped) because a journal may overlap the snapshot written while it was still being appended to.
 */
export function replayOp(engine: Engine, op: JournalOp): void {
  const { catalog } = engine;
  switch (op.op) {
    case 'put': {
      const { collection } = catalog.obtain(op.db, op.coll);
      collection.apply(idKeyOf(op.doc), op.doc, engine.nextSequence(), false);
      return;
    }
    case 'del':
      catalog.get(op.db, op.coll)?.apply(valueKey(op.id), null, engine.nextSequence(), false);
      return;
    case 'create':
      if (!catalog.get(op.db, op.coll)) catalog.create(op.db, op.coll, op.options);
      return;
    case 'drop':
      catalog.drop(op.db, op.coll);
      return;
    case 'dropDatabase':
      catalog.dropDatabase(op.db);
      return;
    case 'createIndex': {
      const { collection } = catalog.obtain(op.db, op.coll);
      // Numbers come back from BSON as Int32/Double instances; the spec keeps plain numbers.
      const expire = op.spec.expireAfterSeconds;
      const spec = {
        ...op.spec,
        v: 2,
        ...(expire === undefined ? {} : { expireAfterSeconds: Number(expire) }),
      };
      if (!collection.indexes.has(spec.name)) collection.addIndex(spec);
      return;
    }
    case 'dropIndex':
      catalog.get(op.db, op.coll)?.indexes.delete(op.name);
      return;
    case 'rename': {
      const source = catalog.get(op.db, op.coll);
      if (!source) return;
      catalog.drop(op.toDb, op.toColl);
      catalog.rename(source, op.toDb, op.toColl);
      return;
    }
  }
}
