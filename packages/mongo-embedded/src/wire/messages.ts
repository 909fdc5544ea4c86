import { BSON, type Document } from 'bson';
import { ErrorCodes, mongoError } from '../errors';

export const OpCode = { reply: 1, query: 2004, msg: 2013, compressed: 2012 } as const;

export const MAX_MESSAGE_BYTES = 48_000_000;
export const MAX_BSON_OBJECT_BYTES = 16 * 1024 * 1024;
/** A command document may exceed the user-document limit by a little (MongoDB allows 16 KiB of headroom). */
const MAX_COMMAND_BYTES = MAX_BSON_OBJECT_BYTES + 16 * 1024;

const HEADER_BYTES = 16;
const MSG_FLAG_CHECKSUM_PRESENT = 1 << 0;
export const MSG_FLAG_MORE_TO_COME = 1 << 1;

/** Documents keep their exact BSON numeric types; regexes stay BSONRegExp so flags survive a round trip. */
export const DESERIALIZE_OPTIONS = { promoteValues: false, bsonRegExp: true } as const;

export interface MessageHeader {
  messageLength: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export interface LegacyQuery {
  kind: 'query';
  header: MessageHeader;
  fullCollectionName: string;
  query: Document;
}

export interface CommandMessage {
  kind: 'msg';
  header: MessageHeader;
  flags: number;
  /** The kind-0 body with every kind-1 document sequence merged in as an array field. */
  command: Document;
}

export type InboundMessage = LegacyQuery | CommandMessage;

function readHeader(buffer: Buffer): MessageHeader {
  return {
    messageLength: buffer.readInt32LE(0),
    requestId: buffer.readInt32LE(4),
    responseTo: buffer.readInt32LE(8),
    opCode: buffer.readInt32LE(12),
  };
}

function readCString(buffer: Buffer, offset: number): { value: string; next: number } {
  const end = buffer.indexOf(0, offset);
  if (end < 0) throw mongoError(ErrorCodes.FailedToParse, 'unterminated cstring in message');
  return { value: buffer.toString('utf8', offset, end), next: end + 1 };
}

function readDocument(buffer: Buffer, offset: number, limit: number): { doc: Document; next: number } {
  const size = buffer.readInt32LE(offset);
  if (size < 5 || offset + size > limit)
    throw mongoError(ErrorCodes.InvalidLength, 'invalid BSON document length');
  if (size > MAX_COMMAND_BYTES) {
    throw mongoError(
      ErrorCodes.BSONObjectTooLarge,
      `BSONObj size: ${size} (0x${size.toString(16)}) is invalid. Size must be between 0 and 16793600(16MB)`,
    );
  }
  const doc = BSON.deserialize(buffer.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
  return { doc, next: offset + size };
}

function parseLegacyQuery(header: MessageHeader, buffer: Buffer): LegacyQuery {
  const name = readCString(buffer, HEADER_BYTES + 4);
  // numberToSkip and numberToReturn follow the collection name; commands ignore both.
  const { doc } = readDocument(buffer, name.next + 8, buffer.length);
  return { kind: 'query', header, fullCollectionName: name.value, query: doc };
}

function parseCommandMessage(header: MessageHeader, buffer: Buffer): CommandMessage {
  const flags = buffer.readUInt32LE(HEADER_BYTES);
  const end = flags & MSG_FLAG_CHECKSUM_PRESENT ? buffer.length - 4 : buffer.length;
  let offset = HEADER_BYTES + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = buffer.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      const read = readDocument(buffer, offset, end);
      body = read.doc;
      offset = read.next;
    } else if (kind === 1) {
      const sectionEnd = offset + buffer.readInt32LE(offset);
      const identifier = readCString(buffer, offset + 4);
      const docs: Document[] = [];
      let cursor = identifier.next;
      while (cursor < sectionEnd) {
        const read = readDocument(buffer, cursor, sectionEnd);
        docs.push(read.doc);
        cursor = read.next;
      }
      sequences.push([identifier.value, docs]);
      offset = sectionEnd;
    } else {
      throw mongoError(ErrorCodes.FailedToParse, `Unknown section kind ${kind}`);
    }
  }
  if (!body) throw mongoError(ErrorCodes.FailedToParse, 'OP_MSG requires exactly one body section');
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  return { kind: 'msg', header, flags, command: body };
}

/** Parses one complete message (header included). Opcodes other than OP_QUERY/OP_MSG are refused. */
export function parseMessage(buffer: Buffer): InboundMessage {
  const header = readHeader(buffer);
  if (header.opCode === OpCode.msg) return parseCommandMessage(header, buffer);
  if (header.opCode === OpCode.query) return parseLegacyQuery(header, buffer);
  throw mongoError(ErrorCodes.IllegalOperation, `Unsupported opcode ${header.opCode}`);
}

function writeHeader(target: Buffer, requestId: number, responseTo: number, opCode: number): void {
  target.writeInt32LE(target.length, 0);
  target.writeInt32LE(requestId, 4);
  target.writeInt32LE(responseTo, 8);
  target.writeInt32LE(opCode, 12);
}

/** OP_REPLY carrying one document: the answer to a legacy OP_QUERY handshake. */
export function encodeReply(requestId: number, responseTo: number, doc: Document): Buffer {
  const body = BSON.serialize(doc);
  const out = Buffer.allocUnsafe(HEADER_BYTES + 20 + body.length);
  writeHeader(out, requestId, responseTo, OpCode.reply);
  out.writeInt32LE(0, 16); // responseFlags
  out.writeBigInt64LE(0n, 20); // cursorID
  out.writeInt32LE(0, 28); // startingFrom
  out.writeInt32LE(1, 32); // numberReturned
  out.set(body, 36);
  return out;
}

/** OP_MSG with a single kind-0 body section. */
export function encodeMessage(requestId: number, responseTo: number, doc: Document, flags = 0): Buffer {
  const body = BSON.serialize(doc);
  const out = Buffer.allocUnsafe(HEADER_BYTES + 5 + body.length);
  writeHeader(out, requestId, responseTo, OpCode.msg);
  out.writeUInt32LE(flags, 16);
  out.writeUInt8(0, 20);
  out.set(body, 21);
  return out;
}
