import type { MailContent } from '@conman/db';

export interface OutgoingMail extends MailContent {
  from: string;
}

/** Where the outbox drainer hands messages; a rejected promise means "not delivered, retry later". */
export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

export function toNodemailerMessage(mail: OutgoingMail): {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
} {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.html !== undefined && { html: mail.html }),
  };
}
