import { createFileTransport } from './file-transport';
import { createSmtpTransport } from './smtp-transport';
import type { MailTransport } from './transport';

export interface MailTransportConfig {
  /** CONMAN_SMTP_URL; when absent, mail goes to files. */
  smtpUrl: string | undefined;
  /** `<data>/mail`, used by the file transport. */
  mailDirectory: string;
}

export function createMailTransport(config: MailTransportConfig): MailTransport {
  return config.smtpUrl
    ? createSmtpTransport({ url: config.smtpUrl })
    : createFileTransport(config.mailDirectory);
}
