/**
 * Generated like the RBAC test: every mounted operation, called by a platform admin (who passes every
 * access check) with its valid recipe request spoiled one way at a time, must answer a 4xx in the
 * SPEC §3 envelope — never a 500 — and change nothing it was asked to change.
 */
import { gzipSync } from 'node:zlib';
import { startGeneratedWorld, type GeneratedWorld } from './generated-world';
import type { Caller } from './callers';
import { RECIPES, type RbacRequest } from './recipes';

let generated: GeneratedWorld;
let admin: Caller;

beforeAll(async () => {
  generated = await startGeneratedWorld();
  const caller = generated.world.callers.get('platform_admin');
  if (!caller) throw new Error('the platform admin caller was set up');
  admin = caller;
}, 60_000);

afterAll(() => generated.fixture.close());

const OBJECT_ID = /\b[0-9a-f]{24}\b/g;
const HAS_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The status and error code of an answer, or why it is not a SPEC §3 client error. */
function clientError({ status, body }: { status: number; body: string }): string {
  let code: unknown;
  try {
    code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
  } catch {
    code = undefined;
  }
  if (status < 400 || status >= 500 || typeof code !== 'string')
    return `not a 4xx envelope: ${status} ${body.slice(0, 200)}`;
  return `${status} ${code}`;
}

async function recipeRequest(operationId: string): Promise<RbacRequest> {
  const recipe = RECIPES[operationId];
  if (!recipe) throw new Error(`no recipe for ${operationId}`);
  return recipe.build(generated.context, { caller: admin, ownership: 'owner' });
}

const operationIds = Object.keys(RECIPES).sort();

/** The request's JSON body as the recipe sends it (`{}` for operations without one). */
function jsonBody(request: RbacRequest): string {
  return JSON.stringify(request.body ?? {});
}

/** The body with every string (keys excluded) passed through `spoil`, or `undefined` when it has none. */
function spoilStrings(value: unknown, spoil: (text: string) => string): unknown {
  if (typeof value === 'string') return spoil(value);
  if (Array.isArray(value)) return value.map((item) => spoilStrings(item, spoil));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, spoilStrings(item, spoil)]));
  return value;
}

function hasStrings(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(hasStrings);
}

const WIDE_JSON = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

/** Bodies no operation can read, with the answer each must get whatever the operation. */
const UNREADABLE_BODIES: {
  label: string;
  bytes: (json: string) => Buffer;
  headers: Record<string, string>;
  answer: string;
}[] = [
  {
    label: 'a corrupt gzip body',
    bytes: () => Buffer.from('not gzip'),
    headers: { 'content-encoding': 'gzip' },
    answer: '400 validation_error',
  },
  {
    label: 'a corrupt deflate body',
    bytes: () => Buffer.from('not deflate'),
    headers: { 'content-encoding': 'deflate' },
    answer: '400 validation_error',
  },
  {
    label: 'a corrupt br body',
    bytes: () => Buffer.from('not brotli at all'),
    headers: { 'content-encoding': 'br' },
    answer: '400 validation_error',
  },
  {
    label: 'an unknown Content-Encoding',
    bytes: (json) => gzipSync(json),
    headers: { 'content-encoding': 'x-unknown' },
    answer: '415 unsupported_media_type',
  },
  {
    label: 'UTF-16 JSON with a byte order mark',
    bytes: WIDE_JSON,
    headers: {},
    answer: '415 unsupported_media_type',
  },
  {
    label: 'JSON declared as charset=utf-16',
    bytes: (json) => Buffer.from(json, 'utf16le'),
    headers: { 'content-type': 'application/json; charset=utf-16' },
    answer: '415 unsupported_media_type',
  },
];

describe('every operation refuses malformed input with a 4xx envelope', () => {
  it.each(operationIds)('%s: an unknown body field is a 400 validation_error', async (operationId) => {
    const request = await recipeRequest(operationId);
    if (!HAS_BODY.has(request.method)) return;
    const body = typeof request.body === 'object' && request.body !== null ? request.body : {};
    const answer = await generated.send({ ...request, body: { ...body, unexpected_field: 1 } }, admin);
    expect(clientError(answer)).toBe('400 validation_error');
  });

  it.each(operationIds)('%s: malformed JSON is a 400 validation_error', async (operationId) => {
    const request = await recipeRequest(operationId);
    if (!HAS_BODY.has(request.method)) return;
    const answer = await generated.send(request, admin, '{"unterminated": ');
    expect(clientError(answer)).toBe('400 validation_error');
  });

  it.each(operationIds)(
    '%s: every id in the path, spoiled or unknown, is a 400 or 404',
    async (operationId) => {
      const request = await recipeRequest(operationId);
      const [path = '', query] = request.path.split('?');
      const ids = [...new Set(path.match(OBJECT_ID) ?? [])];
      const answers: Record<string, string> = {};
      for (const id of ids) {
        for (const replacement of ['not-an-id', 'ffffffffffffffffffffffff']) {
          const spoiled = path.replaceAll(id, replacement) + (query === undefined ? '' : `?${query}`);
          const answer = clientError(await generated.send({ ...request, path: spoiled }, admin));
          answers[`${id} → ${replacement}`] = /^(400|404) /.test(answer) ? 'refused' : answer;
        }
      }
      expect(answers).toEqual(Object.fromEntries(Object.keys(answers).map((key) => [key, 'refused'])));
    },
  );
});

describe('every operation refuses hostile encodings and characters without a 5xx', () => {
  it.each(operationIds)('%s: malformed percent-encoding in path or query is a 400', async (operationId) => {
    const request = await recipeRequest(operationId);
    const [path = '', query] = request.path.split('?');
    const answers = {
      path: clientError(await generated.send({ ...request, path: `${path}%zz` }, admin)),
      query: clientError(
        await generated.send({ ...request, path: `${path}?${query ?? ''}&spoiled=%ED%A0%80` }, admin),
      ),
    };
    expect(answers).toEqual({ path: '400 validation_error', query: '400 validation_error' });
  });

  it.each(operationIds)('%s: unreadable bodies are 400 or 415', async (operationId) => {
    const request = await recipeRequest(operationId);
    if (!HAS_BODY.has(request.method)) return;
    const answers: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const { label, bytes, headers, answer } of UNREADABLE_BODIES) {
      answers[label] = clientError(await generated.send(request, admin, bytes(jsonBody(request)), headers));
      expected[label] = answer;
    }
    expect(answers).toEqual(expected);
  });

  it.each(operationIds)('%s: a lone surrogate in any string of the body is a 400', async (operationId) => {
    const request = await recipeRequest(operationId);
    if (!HAS_BODY.has(request.method) || !hasStrings(request.body)) return;
    const spoiled = spoilStrings(request.body, (text) => `${text}\ud800`);
    const answer = await generated.send({ ...request, body: spoiled }, admin);
    expect(clientError(answer)).toBe('400 validation_error');
  });

  it.each(operationIds)(
    '%s: control and bidi characters in every string of the body are never a 5xx',
    async (operationId) => {
      const request = await recipeRequest(operationId);
      if (!HAS_BODY.has(request.method) || !hasStrings(request.body)) return;
      for (const characters of ['\u0000', '\u001b[2J', '\u0085', '\u202e', '\u2066']) {
        const spoiled = spoilStrings(request.body, (text) => `${text}${characters}`);
        const answer = await generated.send({ ...request, body: spoiled }, admin);
        // Free-text fields refuse these (400); others may take them (a password) or answer neutrally
        // (forgot-password); no operation may fail with a 5xx.
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expect(clientError(answer)).toMatch(/^4\d\d [a-z_]+$/);
      }
    },
  );
});
