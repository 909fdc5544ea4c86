import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MailOutbox } from '@conman/db';
import { OutboxDrainer, createFileTransport, createSmtpTransport } from '@conman/jobs';
import { openTestDatabase, type TestDatabase } from '@conman/test-support';
import { startSmtpSink } from './smtp-sink';

let database: TestDatabase;
let outbox: MailOutbox;

beforeAll(async () => {
  database = await openTestDatabase();
  outbox = new MailOutbox(database.db, { baseDelayMs: 30_000, maxDelayMs: 600_000 });
});

afterAll(() => database.close());

const FROM = 'Conman <conman@localhost>';

describe('outbox drainer', () => {
  it('keeps a message pending while SMTP is down and delivers it once the server is back', async () => {
    let clock = Date.now() + 86_400_000;
    const down = await startSmtpSink();
    const port = down.port;
    await down.close();
    const transport = createSmtpTransport({ url: `smtp://127.0.0.1:${port}`, timeoutMs: 2000 });
    const drainer = new OutboxDrainer({ outbox, transport, from: FROM, now: () => new Date(clock) });
    const { id } = await outbox.enqueue({
      to: 'ann@example.com',
      subject: 'Reset your password',
      text: 'link',
    });

    expect(await drainer.drainOnce()).toEqual({ sent: 0, failed: 1 });
    const failed = await outbox.findById(id);
    expect(failed).toMatchObject({ state: 'pending', attempts: 1 });
    expect(failed?.lastError).toMatch(/ECONNREFUSED|connect/i);

    const sink = await startSmtpSink(port);
    try {
      // Not due yet: the backoff holds the retry back.
      expect(await drainer.drainOnce()).toEqual({ sent: 0, failed: 0 });
      clock += 30_000;
      expect(await drainer.drainOnce()).toEqual({ sent: 1, failed: 0 });
      const [received] = await sink.waitFor(1);
      expect(received?.raw).toContain('Subject: Reset your password');
      expect(await outbox.findById(id)).toMatchObject({ state: 'sent', attempts: 2 });
    } finally {
      await transport.close();
      await sink.close();
    }
  });

  it('polls the outbox in the background until stopped', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'conman-drainer-'));
    const drainer = new OutboxDrainer({
      outbox,
      transport: createFileTransport(directory),
      from: FROM,
      pollIntervalMs: 20,
    });
    try {
      drainer.start();
      const { id } = await outbox.enqueue({ to: 'bob@example.com', subject: 'Invite', text: 'hello' });
      for (
        let message = await outbox.findById(id);
        message?.state !== 'sent';
        message = await outbox.findById(id)
      ) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await readdir(directory)).toHaveLength(1);
    } finally {
      await drainer.stop();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
