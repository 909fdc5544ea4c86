import nodemailer from 'nodemailer';
import { toNodemailerMessage, type MailTransport, type OutgoingMail } from './transport';

export interface SmtpTransportOptions {
  /** `smtp://user:pass@host:port` or `smtps://...` (CONMAN_SMTP_URL). */
  url: string;
  /** Socket and greeting timeouts, so a hung server fails the attempt instead of stalling the drainer. */
  timeoutMs?: number;
}

export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  const timeout = options.timeoutMs ?? 15_000;
  const transporter = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    kind: 'smtp',
    send: async (mail: OutgoingMail) => {
      await transporter.sendMail(toNodemailerMessage(mail));
    },
    close: async () => transporter.close(),
  };
}
