import { Long, MongoServerError } from 'mongodb';
import { useConformanceConnection } from './harness';

const connection = useConformanceConnection();

describe('multi-document transactions', () => {
  it('commits all writes together and hides them from other sessions until then', async () => {
    const collection = connection.db.collection('txn_commit');
    await collection.insertOne({ _id: 'seed' as never });
    const session = connection.client.startSession();
    try {
      session.startTransaction();
      await collection.insertOne({ _id: 'a' as never }, { session });
      await collection.updateOne({ _id: 'seed' as never }, { $set: { touched: true } }, { session });
      expect(await collection.findOne({ _id: 'a' as never }, { session })).toEqual({ _id: 'a' });
      expect(await collection.findOne({ _id: 'a' as never })).toBeNull();
      expect(await collection.findOne({ _id: 'seed' as never })).toEqual({ _id: 'seed' });
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    expect(await collection.findOne({ _id: 'a' as never })).toEqual({ _id: 'a' });
    expect(await collection.findOne({ _id: 'seed' as never })).toEqual({ _id: 'seed', touched: true });
  });

  it('discards every write on abort', async () => {
    const collection = connection.db.collection('txn_abort');
    await collection.insertOne({ _id: 1 as never, v: 1 });
    const session = connection.client.startSession();
    try {
      session.startTransaction();
      await collection.insertOne({ _id: 2 as never }, { session });
      await collection.deleteOne({ _id: 1 as never }, { session });
      expect(await collection.countDocuments({}, { session })).toBe(1);
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await collection.find({}).toArray()).toEqual([{ _id: 1, v: 1 }]);
  });

  it('reads from a snapshot: changes committed by others after the first read stay invisible', async () => {
    const collection = connection.db.collection('txn_snapshot');
    await collection.insertOne({ _id: 'x' as never, v: 1 });
    const session = connection.client.startSession();
    try {
      session.startTransaction({ readConcern: { level: 'snapshot' } });
      expect(await collection.findOne({ _id: 'x' as never }, { session })).toEqual({ _id: 'x', v: 1 });
      await collection.insertOne({ _id: 'y' as never, v: 2 });
      expect(await collection.countDocuments({}, { session })).toBe(1);
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
  });

  it('reports a write conflict with TransientTransactionError when two transactions write one document', async () => {
    const collection = connection.db.collection('txn_conflict');
    await collection.insertOne({ _id: 'c' as never, v: 0 });
    const first = connection.client.startSession();
    const second = connection.client.startSession();
    try {
      first.startTransaction();
      second.startTransaction();
      await collection.updateOne({ _id: 'c' as never }, { $inc: { v: 1 } }, { session: first });
      const failure = await collection
        .updateOne({ _id: 'c' as never }, { $inc: { v: 1 } }, { session: second })
        .catch((error: unknown) => error);
      expect((failure as MongoServerError).code).toBe(112);
      expect((failure as MongoServerError).hasErrorLabel('TransientTransactionError')).toBe(true);
      await first.commitTransaction();
      await second.abortTransaction().catch(() => undefined);
    } finally {
      await first.endSession();
      await second.endSession();
    }
    expect(await collection.findOne({ _id: 'c' as never })).toEqual({ _id: 'c', v: 1 });
  });

  it('lets withTransaction retry after a conflict until it succeeds', async () => {
    const collection = connection.db.collection('txn_retry');
    await collection.insertOne({ _id: 'r' as never, v: 0 });
    const blocker = connection.client.startSession();
    const session = connection.client.startSession();
    let attempts = 0;
    try {
      blocker.startTransaction();
      await collection.updateOne({ _id: 'r' as never }, { $inc: { v: 100 } }, { session: blocker });
      await session.withTransaction(async () => {
        attempts += 1;
        if (attempts === 2) await blocker.commitTransaction();
        await collection.updateOne({ _id: 'r' as never }, { $inc: { v: 1 } }, { session });
      });
    } finally {
      await blocker.endSession();
      await session.endSession();
    }
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(await collection.findOne({ _id: 'r' as never })).toEqual({ _id: 'r', v: 101 });
  });

  it('makes a write outside the transaction wait for the transaction holding the document', async () => {
    const collection = connection.db.collection('txn_outside');
    await collection.insertOne({ _id: 'o' as never, v: 0 });
    const session = connection.client.startSession();
    try {
      session.startTransaction();
      await collection.updateOne({ _id: 'o' as never }, { $set: { v: 1 } }, { session });
      const outside = collection.updateOne({ _id: 'o' as never }, { $inc: { v: 10 } });
      await session.commitTransaction();
      await outside;
    } finally {
      await session.endSession();
    }
    expect(await collection.findOne({ _id: 'o' as never })).toEqual({ _id: 'o', v: 11 });
  });

  it('aborts the transaction after a duplicate key error inside it', async () => {
    const collection = connection.db.collection('txn_dup');
    await collection.insertOne({ _id: 'd' as never });
    const session = connection.client.startSession();
    try {
      session.startTransaction();
      await collection.insertOne({ _id: 'fresh' as never }, { session });
      const failure = await collection
        .insertOne({ _id: 'd' as never }, { session })
        .catch((error: unknown) => error);
      expect((failure as MongoServerError).code).toBe(11000);
      const commit = await session.commitTransaction().catch((error: unknown) => error);
      expect((commit as MongoServerError).code).toBe(251);
    } finally {
      await session.endSession();
    }
    expect(await collection.findOne({ _id: 'fresh' as never })).toBeNull();
  });

  it('releases the documents of an update that failed with a duplicate key inside a transaction', async () => {
    const collection = connection.db.collection('txn_dup_update');
    await collection.createIndex({ slot: 1 }, { unique: true });
    await collection.insertMany([
      { _id: 'taken' as never, slot: 1 },
      { _id: 'mover' as never, slot: 2 },
    ]);
    const session = connection.client.startSession();
    try {
      session.startTransaction();
      const failure = await collection
        .updateOne({ _id: 'mover' as never }, { $set: { slot: 1 } }, { session })
        .catch((error: unknown) => error);
      expect((failure as MongoServerError).code).toBe(11000);
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
    // Neither document may stay locked by the dead transaction: plain writes go through at once.
    await collection.updateOne({ _id: 'mover' as never }, { $set: { slot: 3 } });
    await collection.updateOne({ _id: 'taken' as never }, { $set: { slot: 4 } });
    expect(await collection.find({}).sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'mover', slot: 3 },
      { _id: 'taken', slot: 4 },
    ]);
  });
});

describe('cursors in transactions', () => {
  it('pages a transactional query with getMore and sees its own uncommitted writes', async () => {
    const collection = connection.db.collection('txn_cursor');
    await collection.insertMany(Array.from({ length: 30 }, (_, i) => ({ i })));
    const session = connection.client.startSession();
    try {
      await session.withTransaction(async () => {
        await collection.insertOne({ i: 30 }, { session });
        const seen = await collection.find({}, { session, batchSize: 4 }).sort({ i: 1 }).toArray();
        expect(seen.map((doc) => doc.i)).toEqual(Array.from({ length: 31 }, (_, i) => i));
      });
    } finally {
      await session.endSession();
    }
  });
});

let txnNumbersIssued = 0;

/** Above anything a pooled server session has used so far (the driver reuses sessions between tests). */
function freshTxnNumber(): Long {
  txnNumbersIssued += 1;
  return Long.fromNumber(Date.now() * 1000 + txnNumbersIssued);
}

describe('retryable writes', () => {
  it('applies a retried findAndModify once and returns the first answer again', async () => {
    const collection = connection.db.collection('retry_fam');
    await collection.insertOne({ _id: 'counter' as never, n: 0 });
    const session = connection.client.startSession();
    try {
      const command = {
        findAndModify: 'retry_fam',
        query: { _id: 'counter' },
        update: { $inc: { n: 1 } },
        new: true,
        txnNumber: freshTxnNumber(),
      };
      const first = await connection.db.command(command, { session });
      const retried = await connection.db.command(command, { session });
      expect(first.value).toEqual({ _id: 'counter', n: 1 });
      expect(retried.value).toEqual({ _id: 'counter', n: 1 });
    } finally {
      await session.endSession();
    }
    expect(await collection.findOne({ _id: 'counter' as never })).toEqual({ _id: 'counter', n: 1 });
  });

  it('applies a retried insert with the same lsid and txnNumber once', async () => {
    const collection = connection.db.collection('retry_dedup');
    const session = connection.client.startSession();
    try {
      // The same statement sent twice under one lsid + txnNumber is what a driver retry looks like on the wire.
      const command = { insert: 'retry_dedup', documents: [{ n: 1 }], txnNumber: freshTxnNumber() };
      const first = await connection.db.command(command, { session });
      const retried = await connection.db.command(command, { session });
      expect(first.n).toBe(1);
      expect(retried.n).toBe(1);
    } finally {
      await session.endSession();
    }
    expect(await collection.countDocuments({})).toBe(1);
  });
});
