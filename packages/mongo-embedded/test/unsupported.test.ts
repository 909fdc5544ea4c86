import { MongoClient, MongoServerError } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../src/index';

// Engine-specific: features the embedded engine does not implement must fail loudly instead of answering with
// MongoDB-incompatible results. (Real MongoDB supports all of these, so this is not a conformance test.)

let engine: EmbeddedMongo;
let client: MongoClient;

beforeAll(async () => {
  engine = await startEmbeddedMongo();
  client = new MongoClient(engine.uri);
  await client.connect();
});

afterAll(async () => {
  await client.close();
  await engine.stop();
});

async function codeOf(promise: Promise<unknown>): Promise<number | string | undefined> {
  const failure = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(MongoServerError);
  return (failure as MongoServerError).code;
}

const NOT_IMPLEMENTED = 238;

it('refuses $out and $merge stages', async () => {
  const collection = client.db('unsupported').collection('source');
  await collection.insertOne({ a: 1 });
  expect(await codeOf(collection.aggregate([{ $out: 'copy' }]).toArray())).toBe(NOT_IMPLEMENTED);
  expect(await codeOf(collection.aggregate([{ $merge: { into: 'copy' } }]).toArray())).toBe(NOT_IMPLEMENTED);
});

it('refuses collations', async () => {
  const collection = client.db('unsupported').collection('collated');
  const find = collection.find({}, { collation: { locale: 'en', strength: 2 } }).toArray();
  expect(await codeOf(find)).toBe(NOT_IMPLEMENTED);
});

it('refuses capped collections and validators', async () => {
  const db = client.db('unsupported');
  expect(await codeOf(db.createCollection('capped', { capped: true, size: 4096 }))).toBe(NOT_IMPLEMENTED);
  expect(await codeOf(db.createCollection('validated', { validator: { a: { $exists: true } } }))).toBe(
    NOT_IMPLEMENTED,
  );
});

it('refuses special index types', async () => {
  const collection = client.db('unsupported').collection('special');
  expect(await codeOf(collection.createIndex({ body: 'text' }))).toBe(67);
  expect(await codeOf(collection.createIndex({ 'doc.$**': 1 }))).toBe(67);
});
