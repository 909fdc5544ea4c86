/**
 * Generated RBAC test (issue 5, SPEC §4.2): every operation in the served OpenAPI document × every
 * caller kind, each answer compared with the status derived from the operation's `x-conman-access`
 * and core's matrix. How to add an endpoint: docs/identity.md, "RBAC test".
 */
import { ROLES } from '@conman/core';
import { LOGIN_LIMITS } from '../../src/resources/auth';
import { startIdentityApi, type IdentityFixture } from '../support/identity-fixture';
import { CALLER_KINDS, CALLER_PROFILES, setUpCallers, type Caller, type CallerWorld } from './callers';
import { expectedStatus, type Ownership } from './expectations';
import { mountedOperations, routeMatches, type MountedOperation } from './operations';
import { NOT_YET_MOUNTED, RECIPES, RecipeContext, type RbacRequest } from './recipes';

// Every caller kind calls every rate-limited public endpoint from 127.0.0.1: lift the per-IP limits
// (per-email limits stay, the recipes use a new account per attempt).
const LIFTED = { limit: 100_000, windowSeconds: 60 };

let fixture: IdentityFixture;
let world: CallerWorld;
let context: RecipeContext;
let operations: Map<string, MountedOperation>;
/** operationId → access label and the expected status per caller column, printed at the end. */
const matrix = new Map<string, { access: string; cells: Map<string, string> }>();

beforeAll(async () => {
  fixture = await startIdentityApi(
    { ...LOGIN_LIMITS, perIp: { ...LOGIN_LIMITS.perIp, ...LIFTED } },
    { acceptInvitePerIp: { name: 'accept-invite:ip', ...LIFTED } },
  );
  world = await setUpCallers(fixture);
  context = new RecipeContext(fixture, world);
  const response = await fetch(`${fixture.api.url}/api/openapi.json`);
  operations = new Map(mountedOperations(await response.json()).map((op) => [op.operationId, op]));
}, 60_000);

afterAll(async () => {
  if (matrix.size > 0) console.info(renderMatrix());
  await fixture.close();
});

async function send(request: RbacRequest, caller: Caller): Promise<{ status: number; body: string }> {
  const response = await fetch(`${fixture.api.url}${request.path}`, {
    method: request.method,
    headers: {
      ...(request.body !== undefined && { 'content-type': 'application/json' }),
      ...(request.headers ?? caller.headers()),
    },
    ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
  });
  return { status: response.status, body: await response.text() };
}

function accessLabel({ access }: MountedOperation): string {
  if (access.kind === 'app') return `app ${access.capability}${access.own ? ` (${access.own})` : ''}`;
  if (access.kind === 'platform') return `platform ${access.capability}`;
  return access.kind;
}

function renderMatrix(): string {
  const header = `| operation | access | ${CALLER_KINDS.join(' | ')} |`;
  const rule = `|${' --- |'.repeat(CALLER_KINDS.length + 2)}`;
  const rows = [...matrix.entries()].map(
    ([operationId, row]) =>
      `| ${operationId} | ${row.access} | ${CALLER_KINDS.map((kind) => row.cells.get(kind) ?? '').join(' | ')} |`,
  );
  return ['RBAC matrix (expected status per caller kind):', header, rule, ...rows].join('\n');
}

describe('RBAC: every mounted operation answers every caller kind as the matrix says', () => {
  it('has a recipe for every operation the API mounts', () => {
    const missing = [...operations.values()]
      .filter((op) => RECIPES[op.operationId] === undefined)
      .map((op) => `${op.operationId} (${op.route}) has no recipe in packages/api/test/rbac/recipes.ts`);
    expect(missing).toEqual([]);
  });

  it('has recipes only for mounted operations, apart from the short list being added in parallel', () => {
    const stale = Object.keys(RECIPES).filter((id) => !operations.has(id) && !NOT_YET_MOUNTED.includes(id));
    expect(stale).toEqual([]);
    expect(NOT_YET_MOUNTED.every((id) => RECIPES[id] !== undefined)).toBe(true);
  });

  it('tries every role as a member and as an API key of the app', () => {
    const profiles = Object.values(CALLER_PROFILES);
    for (const role of ROLES) {
      expect(profiles).toContainEqual({ principal: 'user', isPlatformAdmin: false, membership: role });
      expect(profiles).toContainEqual({ principal: 'api_key', app: 'target', role });
    }
  });

  it.each(Object.keys(RECIPES).sort())(
    '%s',
    async (operationId) => {
      const recipe = RECIPES[operationId];
      const operation = operations.get(operationId);
      if (!recipe) throw new Error(`no recipe for ${operationId}`);
      if (!operation) {
        // Recipes for operations another branch is adding; nothing to call until it is merged.
        expect(NOT_YET_MOUNTED).toContain(operationId);
        return;
      }
      expect(recipe.route).toBe(operation.route);
      expect(operation.successStatuses).toContain(recipe.success);

      const { access } = operation;
      const variants: (Ownership | undefined)[] =
        access.kind === 'app' && access.own !== undefined ? ['owner', 'other'] : [undefined];
      const row = { access: accessLabel(operation), cells: new Map<string, string>() };
      matrix.set(operationId, row);
      const expected: Record<string, string> = {};
      const actual: Record<string, string> = {};
      for (const kind of CALLER_KINDS) {
        const caller = world.callers.get(kind);
        if (!caller) throw new Error(`caller ${kind} was not set up`);
        for (const ownership of variants) {
          const expectation = expectedStatus(access, caller.profile, recipe.success, ownership);
          const column = ownership === undefined ? kind : `${kind} (${ownership})`;
          const cell = `${operationId} × ${column} → ${expectation.status} [${expectation.reason}]`;
          // `own` operations show "owner/other", e.g. 200/403.
          const shown = row.cells.get(kind);
          row.cells.set(
            kind,
            shown === undefined ? String(expectation.status) : `${shown}/${expectation.status}`,
          );
          const request = await recipe.build(context, { caller, ownership });
          expected[cell] = String(expectation.status);
          if (!routeMatches(operation.route, request.method, request.path)) {
            actual[cell] = `recipe built ${request.method} ${request.path}, not ${operation.route}`;
            continue;
          }
          const { status, body } = await send(request, caller);
          actual[cell] = status === expectation.status ? String(status) : `${status} ${body.slice(0, 300)}`;
        }
      }
      expect(actual).toEqual(expected);
    },
    60_000,
  );
});
