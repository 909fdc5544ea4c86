import { connect, type Socket } from 'node:net';
import { BSON, type Document } from 'bson';
import { startEmbeddedMongo, type EmbeddedMongo } from '../src/index';

// Raw wire-protocol checks for what the driver exercises only occasionally: legacy OP_QUERY handshakes,
// moreToCome (unacknowledged) messages, the checksum flag, kind-1 sequences and oversize frames.

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const CHECKSUM_PRESENT = 1;
const MORE_TO_COME = 2;

let server: EmbeddedMongo;
let socket: Socket;
let received = Buffer.alloc(0);
let nextId = 1;

beforeAll(async () => {
  server = await startEmbeddedMongo();
});

afterAll(async () => {
  await server.stop();
});

beforeEach(async () => {
  received = Buffer.alloc(0);
  socket = connect(server.port, '127.0.0.1');
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
  });
  await new Promise((resolve) => socket.once('connect', resolve));
});

afterEach(() => {
  socket.destroy();
});

function frame(opCode: number, body: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(nextId++, 4);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, body]);
}

function opMsg(command: Document, flags = 0, sequence?: { name: string; docs: Document[] }): Buffer {
  const parts = [
    Buffer.from(Uint32Array.of(flags).buffer),
    Buffer.from([0]),
    Buffer.from(BSON.serialize(command)),
  ];
  if (sequence) {
    const docs = Buffer.concat(sequence.docs.map((doc) => Buffer.from(BSON.serialize(doc))));
    const name = Buffer.from(`${sequence.name}\0`);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + name.length + docs.length);
    parts.push(Buffer.from([1]), size, name, docs);
  }
  if (flags & CHECKSUM_PRESENT) parts.push(Buffer.alloc(4));
  return frame(OP_MSG, Buffer.concat(parts));
}

/** Waits for the next complete reply and returns its opcode and first document. */
async function nextReply(): Promise<{ opCode: number; doc: Document }> {
  const deadline = Date.now() + 5000;
  while (received.length < 4 || received.length < received.readInt32LE(0)) {
    if (Date.now() > deadline) throw new Error('no reply');
    await new Promise((resolve) => setImmediate(resolve));
  }
  const length = received.readInt32LE(0);
  const message = received.subarray(0, length);
  received = received.subarray(length);
  const opCode = message.readInt32LE(12);
  const docStart = opCode === OP_REPLY ? 36 : 21;
  return { opCode, doc: BSON.deserialize(message.subarray(docStart)) };
}

it('answers a legacy OP_QUERY isMaster with OP_REPLY', async () => {
  const body = Buffer.concat([
    Buffer.alloc(4),
    Buffer.from('admin.$cmd\0'),
    Buffer.from(Int32Array.of(0, -1).buffer),
    Buffer.from(BSON.serialize({ isMaster: 1, helloOk: true })),
  ]);
  socket.write(frame(OP_QUERY, body));
  const { opCode, doc } = await nextReply();
  expect(opCode).toBe(OP_REPLY);
  expect(doc).toMatchObject({ ok: 1, ismaster: true, helloOk: true, maxWireVersion: 21 });
});

it('applies moreToCome writes without replying, in order with later commands', async () => {
  socket.write(opMsg({ insert: 'quiet', $db: 'wire', documents: [{ _id: 1 }] }, MORE_TO_COME));
  socket.write(opMsg({ count: 'quiet', $db: 'wire' }));
  const { opCode, doc } = await nextReply();
  expect(opCode).toBe(OP_MSG);
  expect(doc).toMatchObject({ ok: 1, n: 1 });
});

it('accepts kind-1 document sequences and messages carrying a checksum', async () => {
  socket.write(
    opMsg({ insert: 'seq', $db: 'wire' }, CHECKSUM_PRESENT, {
      name: 'documents',
      docs: [{ a: 1 }, { a: 2 }],
    }),
  );
  expect((await nextReply()).doc).toMatchObject({ ok: 1, n: 2 });
});

it('answers an unknown opcode with an error and closes on an impossible frame length', async () => {
  socket.write(frame(2010, Buffer.alloc(8)));
  expect((await nextReply()).doc).toMatchObject({ ok: 0 });
  const closed = new Promise((resolve) => socket.once('close', resolve));
  const oversize = Buffer.alloc(16);
  oversize.writeInt32LE(64 * 1024 * 1024, 0);
  socket.write(oversize);
  await closed;
});
