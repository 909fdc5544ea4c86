import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startStack, type Stack, type TestResponse } from '../support/stack';

/**
 * Hostile input at the edges of the real server process (docs/api-conventions.md, "Hostile input"):
 * every answer is a 4xx in the error envelope, nothing is written, and nothing reaches the error log.
 */
const ADMIN = { email: 'root@example.com', password: 'violet harbor compass 42' };
const MIB = 1024 * 1024;

jest.setTimeout(120_000);

let stack: Stack;
let token: string;
let appId: string;
let workspacePath: string;

function call(method: string, route: string, body?: unknown, headers: Record<string, string> = {}) {
  return stack.request(method, `/api${route}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
    ...(body !== undefined && { body }),
  });
}

/** A request with exactly these body bytes (fetch would re-encode a string). */
async function sendBytes(
  route: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<TestResponse> {
  const response = await fetch(`${stack.url}/api${route}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
}

/** A raw HTTP/1.1 exchange: fetch cannot send a header above Node's limit and read the answer. */
function rawExchange(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(stack.url);
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    // The server closes after answering; a reset after the answer arrived is not a failure.
    socket.on('error', (error) => (answer === '' ? reject(error) : resolve(answer)));
    socket.on('close', () => resolve(answer));
    socket.write(request);
  });
}

function expectEnvelope(response: TestResponse, status: number, code: string): void {
  expect({ status: response.status, code: response.json?.error?.code }).toEqual({ status, code });
  expect(response.text).not.toMatch(/\bat .*\.js:\d+/);
}

/** Server log lines naming the request id: the access log only, no error line, no stack trace. */
function logLinesOf(requestId: string): string[] {
  return stack.server
    .output()
    .split('\n')
    .filter((line) => line.includes(requestId));
}

async function treeSnapshot(): Promise<unknown> {
  const tree = await call('GET', `${workspacePath}/tree?recursive=true`);
  expect(tree.status).toBe(200);
  const state = await call('GET', workspacePath);
  return { tree: tree.json.data, state: state.json.data };
}

beforeAll(async () => {
  stack = await startStack({
    env: { CONMAN_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, CONMAN_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
  });
  const login = await stack.request('POST', '/api/auth/login', { body: ADMIN });
  expect(login.status).toBe(200);
  token = login.json.data.token as string;
  const app = await call('POST', '/apps', { name: 'edges', repo_path: 'edges.git', seed: true });
  expect(app.status).toBe(201);
  appId = app.json.data.id as string;
  const workspace = await call('POST', `/apps/${appId}/workspaces`, { title: 'Hostile edges' });
  expect(workspace.status).toBe(201);
  workspacePath = `/apps/${appId}/workspaces/${workspace.json.data.id as string}`;
});

afterAll(async () => {
  await stack?.stop();
});

describe('file content size', () => {
  it('writes a 5 MiB file sent as base64 and refuses 5 MiB + 1 byte with a 413 envelope', async () => {
    const limit = Buffer.alloc(5 * MIB, 0x5a);
    const written = await call('PUT', `${workspacePath}/files`, {
      path: 'blobs/limit.bin',
      content: limit.toString('base64'),
    });
    expect(written.status).toBe(200);
    expect(written.json.data.size).toBe(5 * MIB);
    const read = await call('GET', `${workspacePath}/files?path=blobs/limit.bin`);
    expect(Buffer.from(read.json.data.content as string, 'base64').equals(limit)).toBe(true);

    const above = await call('PUT', `${workspacePath}/files`, {
      path: 'blobs/above.bin',
      content: Buffer.alloc(5 * MIB + 1, 0x5a).toString('base64'),
    });
    expectEnvelope(above, 413, 'payload_too_large');
  });
});

describe('malformed requests', () => {
  it('answers malformed percent-encoding with 400 and logs no error', async () => {
    for (const [index, route] of [
      '/api/apps/%',
      '/api/apps/%E0%A4%A',
      `/api/apps/${'x'}/workspaces?path=%ED%A0%80`,
    ].entries()) {
      const requestId = `bad-url-${index}`;
      const response = await stack.request('GET', route, {
        headers: { authorization: `Bearer ${token}`, 'x-request-id': requestId },
      });
      expectEnvelope(response, 400, 'validation_error');
      const lines = logLinesOf(requestId);
      expect(lines.join('\n')).not.toMatch(/URIError|"level":"error"|\bat .*\.js:\d+/);
    }
  });

  it('answers corrupt gzip, deflate and br bodies with 400 and an unknown encoding with 415', async () => {
    const route = `${workspacePath}/files`;
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const requestId = `corrupt-${encoding}`;
      const response = await sendBytes(route, Buffer.from('definitely not compressed data'), {
        'content-type': 'application/json',
        'content-encoding': encoding,
        'x-request-id': requestId,
      });
      expectEnvelope(response, 400, 'validation_error');
      expect(logLinesOf(requestId).join('\n')).not.toMatch(/"level":"error"|\bat .*\.js:\d+/);
    }
    const unknown = await sendBytes(route, gzipSync('{}'), {
      'content-type': 'application/json',
      'content-encoding': 'x-mystery',
    });
    expectEnvelope(unknown, 415, 'unsupported_media_type');
  });

  it('answers JSON in UTF-16 or UTF-32 (by BOM or charset) with 415', async () => {
    const body = JSON.stringify({ path: 'a.txt', content: 'hi', encoding: 'utf8' });
    const utf16WithBom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]);
    const byBom = await sendBytes(`${workspacePath}/files`, utf16WithBom, {
      'content-type': 'application/json',
    });
    expectEnvelope(byBom, 415, 'unsupported_media_type');
    for (const charset of ['utf-16', 'UTF-16LE', 'utf-32']) {
      const byCharset = await sendBytes(`${workspacePath}/files`, Buffer.from(body, 'utf16le'), {
        'content-type': `application/json; charset=${charset}`,
      });
      expectEnvelope(byCharset, 415, 'unsupported_media_type');
    }
    const invalidUtf8 = await sendBytes(
      `${workspacePath}/files`,
      Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
      {
        'content-type': 'application/json',
      },
    );
    expectEnvelope(invalidUtf8, 400, 'validation_error');
  });

  it('answers an over-long header with 431 in the envelope', async () => {
    const answer = await rawExchange(
      `GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'p'.repeat(17 * 1024)}\r\n\r\n`,
    );
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/\r\ncache-control: no-store\r\n/i);
    const envelope = JSON.parse(body);
    expect(envelope.error).toMatchObject({ code: 'headers_too_large' });
    expect(envelope.error.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a request line Node cannot parse with 400 in the envelope', async () => {
    const answer = await rawExchange(
      'GET /api/health HTTP/1.1\r\nHost: localhost\r\nBad Header Line\r\n\r\n',
    );
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(body).error.code).toBe('validation_error');
  });
});

describe('path guardrails', () => {
  it.each([
    ['.git.', '.git./config'],
    ['.git<space>', '.git /config'],
    ['GIT~1', 'GIT~1/config'],
    ['.g<ZWSP>it', '.g\u200bit/config'],
    ['.gitmodules', '.gitmodules'],
    ['nested .gitmodules variant', 'sub/.GITMODULES. '],
    ['lone surrogate', 'a\ud800.json'],
    ['256-byte segment', `dir/${'n'.repeat(256)}`],
    ['bidi override', 'evil\u202egnp.js'],
  ])('refuses %s with 400 and writes nothing', async (_label, path) => {
    const before = await treeSnapshot();
    const write = await call('PUT', `${workspacePath}/files`, { path, content: 'eA==' });
    expectEnvelope(write, 400, 'validation_error');
    const move = await call('POST', `${workspacePath}/files/move`, { from: 'README.md', to: path });
    expectEnvelope(move, 400, 'validation_error');
    expect(await treeSnapshot()).toEqual(before);
  });

  it('accepts a 255-byte segment', async () => {
    const written = await call('PUT', `${workspacePath}/files`, {
      path: `dir/${'n'.repeat(255)}`,
      content: 'eA==',
    });
    expect(written.status).toBe(200);
  });

  it('refuses utf8 content with a lone surrogate instead of storing U+FFFD', async () => {
    const write = await call('PUT', `${workspacePath}/files`, {
      path: 'notes.txt',
      content: 'broken \ud83d text',
      encoding: 'utf8',
    });
    expectEnvelope(write, 400, 'validation_error');
  });
});

describe('text fields', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['ANSI escape', '\u001b[31mred'],
    ['C1 control', 'a\u0085b'],
    ['bidi override', 'admin\u202etxt.exe'],
    ['bidi isolate', 'x\u2066y\u2069'],
    ['line break in a title', 'two\nlines'],
    ['lone surrogate', 'x\udfff'],
  ])('refuses %s in titles, names and comments with 400', async (_label, text) => {
    const title = await call('POST', `/apps/${appId}/workspaces`, { title: text });
    expectEnvelope(title, 400, 'validation_error');
    const name = await call('POST', `/apps/${appId}/api-keys`, { name: text, role: 'user' });
    expectEnvelope(name, 400, 'validation_error');
    const comment = await call('POST', `/apps/${appId}/changesets/${'f'.repeat(24)}/comments`, {
      body: text,
    });
    if (text.includes('\n')) expectEnvelope(comment, 404, 'not_found');
    else expectEnvelope(comment, 400, 'validation_error');
  });

  it('keeps tabs and line breaks in multi-line text and ordinary Unicode in titles', async () => {
    const renamed = await call('PATCH', workspacePath, { title: 'Ünïcode — “ok” 👩‍💻' });
    expect(renamed.status).toBe(200);
    const checkpoint = await call('POST', `${workspacePath}/checkpoints`, {
      message: 'Subject\n\n\tbody line\r\n',
    });
    expect(checkpoint.status).toBe(200);
    const key = await call('POST', `/apps/${appId}/api-keys`, { name: 'CI key – ünïcode', role: 'user' });
    expect(key.status).toBe(201);
  });
});

describe('response and audit headers', () => {
  it('sends Cache-Control: no-store on login, authenticated reads and errors', async () => {
    const login = await stack.request('POST', '/api/auth/login', { body: ADMIN });
    expect(login.headers.get('cache-control')).toBe('no-store');
    expect((await call('GET', `/apps/${appId}`)).headers.get('cache-control')).toBe('no-store');
    expect((await call('GET', `/apps/${appId}/nothing`)).headers.get('cache-control')).toBe('no-store');
  });

  it('records at most 512 characters of the User-Agent in audit events', async () => {
    const userAgent = `hostile-agent/${'u'.repeat(15_000)}`;
    const created = await call(
      'POST',
      `/apps/${appId}/workspaces`,
      { title: 'Long agent' },
      { 'user-agent': userAgent },
    );
    expect(created.status).toBe(201);
    const audit = await call('GET', `/apps/${appId}/audit?entity_id=${created.json.data.id as string}`);
    expect(audit.status).toBe(200);
    const recorded = audit.json.data[0]?.context.user_agent as string;
    expect(recorded).toBe(userAgent.slice(0, 512));
  });
});
