/**
 * Generated like the RBAC test: every mounted operation, called by a platform admin (who passes every
 * access check) with its valid recipe request spoiled one way at a time, must answer a 4xx in the
 * SPEC §3 envelope — never a 500 — and change nothing it was asked to change.
 */
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
