import { ErrorCodes, mongoError } from '../errors';
import { MAX_MESSAGE_BYTES } from './messages';

/**
 * Reassembles length-prefixed wire messages from arbitrary TCP chunks. Chunks are kept in a list and joined only
 * once a whole message is present, so a large message arriving in many pieces is copied once.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : this.join();
      const length = head.readInt32LE(0);
      if (length < 16 || length > MAX_MESSAGE_BYTES) {
        throw mongoError(
          ErrorCodes.InvalidLength,
          `Invalid message length ${length}; limit is ${MAX_MESSAGE_BYTES} bytes`,
        );
      }
      if (this.buffered < length) break;
      const all = this.join();
      messages.push(all.subarray(0, length));
      const rest = all.subarray(length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    return messages;
  }

  private join(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0]!;
  }
}
