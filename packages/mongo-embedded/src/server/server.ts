import { createServer, type Socket } from 'node:net';
import type { CommandDispatcher } from '../commands/dispatch';
import { serveConnection } from './connection';

export interface ListeningServer {
  port: number;
  close(): Promise<void>;
}

/** Accepts wire-protocol connections; close() destroys open sockets so it never waits on idle pooled clients. */
export async function listen(
  dispatcher: CommandDispatcher,
  host: string,
  port: number,
): Promise<ListeningServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    connections += 1;
    serveConnection(socket, dispatcher, connections);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
