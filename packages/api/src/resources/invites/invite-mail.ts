import type { MailContent } from '@conman/db';

/** The invitation email; the token travels only here, inside the accept link. */
export function inviteMail(input: {
  to: string;
  appName: string;
  role: string;
  publicUrl: string;
  token: string;
  expiryDays: number;
}): MailContent {
  const link = `${input.publicUrl}/accept-invite?token=${encodeURIComponent(input.token)}`;
  return {
    to: input.to,
    subject: `You are invited to ${input.appName} on Conman`,
    text: [
      `You have been invited to the app "${input.appName}" on Conman as ${input.role}.`,
      '',
      `Accept the invitation: ${link}`,
      '',
      `The link is valid for ${input.expiryDays} ${input.expiryDays === 1 ? 'day' : 'days'} and works once.`,
    ].join('\n'),
  };
}
