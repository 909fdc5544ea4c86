import { Double, Int32, Long } from 'mongodb';
import { useConformanceConnection } from './harness';

const connection = useConformanceConnection();

describe('point lookups by _id', () => {
  it('finds a document by any numeric type equal to its _id and keeps the stored type', async () => {
    const collection = connection.db.collection('numeric_ids');
    await collection.insertMany([{ _id: Long.fromNumber(5) }, { _id: new Double(120) }] as never[]);
    for (const probe of [new Int32(5), new Double(5), Long.fromNumber(5)]) {
      const found = await collection.findOne({ _id: probe } as never, { promoteLongs: false });
      expect(found?._id).toBeInstanceOf(Long);
    }
    expect(await collection.findOne({ _id: new Int32(120) } as never)).toEqual({ _id: 120 });
    expect(await collection.findOne({ _id: Long.fromNumber(120) } as never)).toEqual({ _id: 120 });
  });

  it('compares Int64 _ids beyond 2^53 exactly', async () => {
    const collection = connection.db.collection('long_ids');
    await collection.insertOne({ _id: Long.fromString('9007199254740993') } as never);
    expect(await collection.findOne({ _id: new Double(9007199254740992) } as never)).toBeNull();
    expect(await collection.countDocuments({ _id: Long.fromString('9007199254740993') } as never)).toBe(1);
  });

  it('finds string _ids case-sensitively and answers null for absent ones', async () => {
    const collection = connection.db.collection('string_ids');
    await collection.insertMany([{ _id: 'a' }, { _id: 'A' }] as never[]);
    expect(await collection.findOne({ _id: 'A' } as never)).toEqual({ _id: 'A' });
    expect(await collection.findOne({ _id: 'b' } as never)).toBeNull();
    expect(await connection.db.collection('absent').findOne({ _id: 'a' } as never)).toBeNull();
  });
});

describe('index maintenance on update', () => {
  it('moves an index entry when the indexed value changes and keeps it when another field changes', async () => {
    const collection = connection.db.collection('moving_keys');
    await collection.createIndex({ email: 1 }, { unique: true });
    await collection.insertOne({ _id: 1, email: 'old@example.com', visits: 0 } as never);
    await collection.updateOne({ email: 'old@example.com' }, { $inc: { visits: 1 } });
    await collection.updateOne({ email: 'old@example.com' }, { $set: { email: 'new@example.com' } });
    expect(await collection.findOne({ email: 'old@example.com' })).toBeNull();
    expect(await collection.findOne({ email: 'new@example.com' })).toEqual({
      _id: 1,
      email: 'new@example.com',
      visits: 1,
    });
    await collection.insertOne({ _id: 2, email: 'old@example.com' } as never);
    expect(await collection.countDocuments({ email: { $gte: 'a' } })).toBe(2);
  });

  it('still finds a document whose indexed number changed type but not value', async () => {
    const collection = connection.db.collection('retyped_keys');
    await collection.createIndex({ n: 1 });
    await collection.insertOne({ _id: 1, n: new Int32(5) } as never);
    await collection.updateOne({ _id: 1 } as never, { $set: { n: new Double(5) } });
    const found = await collection.findOne({ n: new Int32(5) }, { promoteValues: false });
    expect(found?.n).toBeInstanceOf(Double);
    expect(await collection.countDocuments({ n: { $gt: 4, $lt: 6 } })).toBe(1);
  });
});

describe('string order', () => {
  it('orders strings by UTF-8 bytes, so characters beyond the BMP sort after U+FFFF', async () => {
    const collection = connection.db.collection('utf8_order');
    await collection.createIndex({ s: 1 });
    const values = ['\u{1F600}', '\uFFFF', 'z', 'za', '\u{1F600}a', 'é'];
    await collection.insertMany(values.map((s) => ({ s })));
    const sorted = await collection
      .find({}, { projection: { _id: 0 } })
      .sort({ s: 1 })
      .toArray();
    expect(sorted.map((doc) => doc.s as string)).toEqual([
      'z',
      'za',
      'é',
      '\uFFFF',
      '\u{1F600}',
      '\u{1F600}a',
    ]);
    expect(await collection.countDocuments({ s: { $gt: '\uFFFF' } })).toBe(2);
  });
});
