import { crc32 } from 'node:zlib';
import { BSON, type Document } from 'bson';

const RECORD_HEADER_BYTES = 8;
const DESERIALIZE_OPTIONS = { promoteValues: false, bsonRegExp: true } as const;

/** Frames a document as `[length u32][crc32 u32][BSON]`; the checksum exposes torn or corrupt records. */
export function encodeRecord(doc: Document): Buffer {
  const payload = BSON.serialize(doc);
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  record.writeUInt32LE(payload.length, 0);
  record.writeUInt32LE(crc32(payload), 4);
  record.set(payload, RECORD_HEADER_BYTES);
  return record;
}

/** The intact records at the start of `data` and the byte offset where the intact prefix ends. */
export function decodeRecords(data: Buffer): { records: Document[]; validBytes: number } {
  const records: Document[] = [];
  let offset = 0;
  while (offset + RECORD_HEADER_BYTES <= data.length) {
    const length = data.readUInt32LE(offset);
    const start = offset + RECORD_HEADER_BYTES;
    if (length < 5 || start + length > data.length) break;
    const payload = data.subarray(start, start + length);
    if (crc32(payload) !== data.readUInt32LE(offset + 4)) break;
    records.push(BSON.deserialize(payload, DESERIALIZE_OPTIONS));
    offset = start + length;
  }
  return { records, validBytes: offset };
}
