import { randomBytes } from 'node:crypto';

/** RFC 9562 UUIDv7: 48-bit Unix milliseconds, version 7, variant 10, 74 random bits. */
/** Random bytes are drawn in blocks (as `crypto.randomUUID` does): an id is made per request. */
const RANDOM_POOL_BYTES = 16 * 256;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

function sixteenRandomBytes(): Buffer {
  if (randomOffset + 16 > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomOffset = 0;
  }
  randomOffset += 16;
  return Buffer.from(randomPool.subarray(randomOffset - 16, randomOffset));
}

export function uuidv7(now: number = Date.now()): string {
  const bytes = sixteenRandomBytes();
  let timestamp = now;
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = timestamp % 256;
    timestamp = Math.floor(timestamp / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
