import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createFileTransport, createMailTransport, createSmtpTransport } from '@conman/jobs';
import { parseEml } from './eml';
import { startSmtpSink } from './smtp-sink';

const mail = {
  from: 'Conman <conman@localhost>',
  to: 'ann@example.com',
  subject: 'You are invited to billing',
  text: 'Accept: http://conman.test/accept-invite#token=abc',
};

describe('file transport', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'conman-mail-'));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('writes one parseable RFC 822 message per mail', async () => {
    const transport = createFileTransport(path.join(directory, 'mail'));
    await transport.send(mail);
    await transport.send({ ...mail, to: 'bob@example.com' });
    const files = (await readdir(path.join(directory, 'mail'))).sort();
    expect(files).toHaveLength(2);
    expect(files.every((file) => file.endsWith('.eml'))).toBe(true);
    const contents = await Promise.all(
      files.map((file) => readFile(path.join(directory, 'mail', file), 'utf8')),
    );
    const message = contents.map(parseEml).find(({ headers }) => headers.get('to') === 'ann@example.com');
    expect(message?.headers.get('from')).toBe('Conman <conman@localhost>');
    expect(message?.headers.get('subject')).toBe(mail.subject);
    expect(message?.headers.get('mime-version')).toBe('1.0');
    expect(message?.headers.get('message-id')).toMatch(/^<.+@.+>$/);
    expect(Number.isNaN(Date.parse(message?.headers.get('date') ?? ''))).toBe(false);
    expect(message?.body).toContain(mail.text);
  });

  it('is chosen when no SMTP URL is configured', () => {
    expect(createMailTransport({ smtpUrl: undefined, mailDirectory: directory }).kind).toBe('file');
    expect(createMailTransport({ smtpUrl: 'smtp://127.0.0.1:25', mailDirectory: directory }).kind).toBe(
      'smtp',
    );
  });
});

describe('SMTP transport', () => {
  it('delivers to a real SMTP server on loopback', async () => {
    const sink = await startSmtpSink();
    const transport = createSmtpTransport({ url: `smtp://127.0.0.1:${sink.port}` });
    try {
      await transport.send(mail);
      const [received] = await sink.waitFor(1);
      expect(received?.from).toBe('conman@localhost');
      expect(received?.to).toEqual(['ann@example.com']);
      const { headers, body } = parseEml(received?.raw ?? '');
      expect(headers.get('subject')).toBe(mail.subject);
      expect(body).toContain(mail.text);
    } finally {
      await transport.close();
      await sink.close();
    }
  });

  it('rejects when the server is unreachable', async () => {
    const sink = await startSmtpSink();
    await sink.close();
    const transport = createSmtpTransport({ url: `smtp://127.0.0.1:${sink.port}`, timeoutMs: 2000 });
    await expect(transport.send(mail)).rejects.toThrow();
    await transport.close();
  });
});
