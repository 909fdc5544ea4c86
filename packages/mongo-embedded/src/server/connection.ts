import type { Socket } from 'node:net';
import type { Document } from 'bson';
import { MongoServerError } from '../errors';
import type { CommandDispatcher } from '../commands/dispatch';
import { MessageFramer } from '../wire/framing';
import {
  MSG_FLAG_MORE_TO_COME,
  encodeMessage,
  encodeReply,
  parseMessage,
  type InboundMessage,
} from '../wire/messages';

let nextRequestId = 1;

/**
 * One client connection. Messages are answered strictly in arrival order (the driver pipelines nothing but relies
 * on ordering for moreToCome writes), so each message is chained onto the previous one's completion.
 */
export function serveConnection(socket: Socket, dispatcher: CommandDispatcher, connectionId: number): void {
  const framer = new MessageFramer();
  let queue: Promise<void> = Promise.resolve();
  socket.setNoDelay(true);

  const handle = async (raw: Buffer): Promise<void> => {
    let message: InboundMessage;
    try {
      message = parseMessage(raw);
    } catch (error) {
      const reply = error instanceof MongoServerError ? error.toReply() : { ok: 0, errmsg: String(error) };
      socket.write(encodeMessage(nextRequestId++, raw.readInt32LE(4), reply));
      return;
    }
    if (message.kind === 'query') {
      const dbName = message.fullCollectionName.split('.')[0] ?? 'admin';
      const reply = await dispatcher.run({ ...message.query, $db: dbName }, connectionId);
      if (!socket.destroyed) socket.write(encodeReply(nextRequestId++, message.header.requestId, reply));
      return;
    }
    const reply: Document = await dispatcher.run(message.command, connectionId);
    // With moreToCome the client expects no answer (unacknowledged write).
    if (message.flags & MSG_FLAG_MORE_TO_COME || socket.destroyed) return;
    socket.write(encodeMessage(nextRequestId++, message.header.requestId, reply));
  };

  socket.on('data', (chunk: Buffer) => {
    let messages: Buffer[];
    try {
      messages = framer.push(chunk);
    } catch {
      socket.destroy();
      return;
    }
    for (const raw of messages)
      queue = queue
        .then(() => handle(raw))
        .catch(() => {
          socket.destroy();
        });
  });
  socket.on('error', () => socket.destroy());
}
