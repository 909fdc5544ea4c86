import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { toNodemailerMessage, type MailTransport, type OutgoingMail } from './transport';

/**
 * The embedded default (docs/identity.md "Mail"): each message becomes one RFC 822 `.eml` file in
 * `<data>/mail/`, built by nodemailer exactly as it would go over SMTP. Files are written under a temporary
 * name and renamed, so a reader never sees half a message.
 */
export function createFileTransport(directory: string): MailTransport {
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'file',
    send: async (mail: OutgoingMail) => {
      const info = await builder.sendMail(toNodemailerMessage(mail));
      await mkdir(directory, { recursive: true, mode: 0o700 });
      // The name comes from the clock and a UUID, never from message content.
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`;
      const temporary = path.join(directory, `.${name}.tmp`);
      await writeFile(temporary, info.message, { mode: 0o600 });
      await rename(temporary, path.join(directory, name));
    },
    close: async () => undefined,
  };
}
