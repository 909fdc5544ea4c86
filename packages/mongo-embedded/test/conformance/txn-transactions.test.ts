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
});

describe('retryable writes', () => {
  it('applies a retried insert with the same lsid and txnNumber once', async () => {
    const collection = connection.db.collection('retry_dedup');
    const session = connection.client.startSession();
    try {
      // The same statement sent twice under one lsid + txnNumber is what a driver retry looks like on the wire;
      // the number is above anything the pooled server session has used.
      const command = { insert: 'retry_dedup', documents: [{ n: 1 }], txnNumber: Long.fromNumber(1_000_000) };
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
