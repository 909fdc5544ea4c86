/**
 * Generated RBAC test (issue 5, docs/identity.md "RBAC test"): every operation in the served OpenAPI document
 * × every caller kind, each answer compared with the status derived from the operation's `x-conman-access`
 * and core's matrix. How to add an endpoint: docs/identity.md, "RBAC test".
 */
import { ROLES } from '@conman/core';
import { CALLER_KINDS, CALLER_PROFILES } from './callers';
import { expectedStatus, type Ownership } from './expectations';
import { startGeneratedWorld, type GeneratedWorld } from './generated-world';
import { routeMatches, type MountedOperation } from './operations';
import { NOT_YET_MOUNTED, RECIPES } from './recipes';

let generated: GeneratedWorld;
/** operationId → access label and the expected status per caller column, printed at the end. */
const matrix = new Map<string, { access: string; cells: Map<string, string> }>();

beforeAll(async () => {
  generated = await startGeneratedWorld();
}, 60_000);

afterAll(async () => {
  if (matrix.size > 0) console.info(renderMatrix());
  await generated.fixture.close();
});

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
    const missing = [...generated.operations.values()]
      .filter((op) => RECIPES[op.operationId] === undefined)
      .map((op) => `${op.operationId} (${op.route}) has no recipe in packages/api/test/rbac/recipes.ts`);
    expect(missing).toEqual([]);
  });

  it('has recipes only for mounted operations, apart from the short list being added in parallel', () => {
    const stale = Object.keys(RECIPES).filter(
      (id) => !generated.operations.has(id) && !NOT_YET_MOUNTED.includes(id),
    );
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
      const operation = generated.operations.get(operationId);
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
        const caller = generated.world.callers.get(kind);
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
          const request = await recipe.build(generated.context, { caller, ownership });
          expected[cell] = String(expectation.status);
          if (!routeMatches(operation.route, request.method, request.path)) {
            actual[cell] = `recipe built ${request.method} ${request.path}, not ${operation.route}`;
            continue;
          }
          const { status, body } = await generated.send(request, caller);
          actual[cell] = status === expectation.status ? String(status) : `${status} ${body.slice(0, 300)}`;
        }
      }
      expect(actual).toEqual(expected);
    },
    60_000,
  );
});
