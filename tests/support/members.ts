import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { startStack, waitFor, type Stack, type TestResponse } from './stack';

/** The platform admin `startStackWithAdmin` bootstraps. */
export const ADMIN = { email: 'root@example.com', password: 'violet harbor compass 42' };

/** Server and worker processes whose platform admin (ADMIN) exists from the start. */
export function startStackWithAdmin(): Promise<Stack> {
  return startStack({
    worker: true,
    env: { CONMAN_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, CONMAN_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
  });
}

/** Password of every member that joins through an invite in these tests. */
export const MEMBER_PASSWORD = 'tangerine orbit lantern 7';

/** A request to `/api<route>` with a bearer token or an API key. */
export function call(
  stack: Stack,
  method: string,
  route: string,
  credential: string,
  body?: unknown,
): Promise<TestResponse> {
  const headers: Record<string, string> = credential.startsWith('cmk_')
    ? { 'x-api-key': credential }
    : { authorization: `Bearer ${credential}` };
  return stack.request(method, `/api${route}`, { headers, ...(body !== undefined && { body }) });
}

export async function login(stack: Stack, email: string, password: string): Promise<string> {
  const response = await stack.request('POST', '/api/auth/login', { body: { email, password } });
  expect(response.status).toBe(200);
  return response.json.data.token as string;
}

/** Decodes the quoted-printable body of an `.eml` file when it is encoded that way. */
function mailText(raw: string): string {
  const normalized = raw.replace(/\r\n/g, '\n');
  const body = normalized.slice(normalized.indexOf('\n\n') + 2);
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(normalized)) return body;
  return body
    .replace(/=\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The invite token mailed to `email` by the worker's outbox drainer (file transport). */
async function invitationToken(stack: Stack, email: string): Promise<string> {
  const directory = path.join(stack.dataDir, 'mail');
  let token: string | undefined;
  await waitFor(
    async () => {
      const names = (await readdir(directory).catch(() => [] as string[])).filter((name) =>
        name.endsWith('.eml'),
      );
      for (const name of names) {
        const raw = await readFile(path.join(directory, name), 'utf8');
        if (!new RegExp(`^To: .*${email.replace('.', '\\.')}`, 'im').test(raw)) continue;
        const match = /accept-invite\?token=([^\s]+)/.exec(mailText(raw));
        if (match?.[1]) token = decodeURIComponent(match[1]);
      }
      return token !== undefined;
    },
    30_000,
    () => stack.worker?.output() ?? '',
  );
  return token!;
}

/** Invites `email` with `role`, accepts the mailed invite (needs the worker) and signs in. */
export async function joinByInvite(
  stack: Stack,
  appId: string,
  adminToken: string,
  email: string,
  role: string,
): Promise<string> {
  const invite = await call(stack, 'POST', `/apps/${appId}/invites`, adminToken, { email, role });
  expect(invite.status).toBe(201);
  const token = await invitationToken(stack, email);
  const accepted = await stack.request('POST', '/api/auth/accept-invite', {
    body: { token, name: email.split('@')[0], password: MEMBER_PASSWORD },
  });
  expect(accepted.status).toBe(200);
  return login(stack, email, MEMBER_PASSWORD);
}
