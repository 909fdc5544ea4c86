import { LOGIN_LIMITS } from '../../src/resources/auth';
import { startIdentityApi, type IdentityFixture } from '../support/identity-fixture';
import { setUpCallers, type Caller, type CallerWorld } from './callers';
import { mountedOperations, type MountedOperation } from './operations';
import { RecipeContext, type RbacRequest } from './recipes';

// Every caller kind calls every rate-limited public endpoint from 127.0.0.1: lift the per-IP limits
// (per-email limits stay, the recipes use a new account per attempt).
const LIFTED = { limit: 100_000, windowSeconds: 60 };

/** What the generated tests run on: the API, its callers, the recipe context and the served operations. */
export interface GeneratedWorld {
  fixture: IdentityFixture;
  world: CallerWorld;
  context: RecipeContext;
  operations: Map<string, MountedOperation>;
  send(
    request: RbacRequest,
    caller: Caller,
    rawBody?: string | Buffer,
    extraHeaders?: Record<string, string>,
  ): Promise<{ status: number; body: string }>;
}

export async function startGeneratedWorld(): Promise<GeneratedWorld> {
  const fixture = await startIdentityApi(
    { ...LOGIN_LIMITS, perIp: { ...LOGIN_LIMITS.perIp, ...LIFTED } },
    {
      acceptInviteLimits: {
        perIp: { name: 'accept-invite:ip', ...LIFTED },
        perEmail: { name: 'accept-invite:email', ...LIFTED },
        perToken: { name: 'accept-invite:token', ...LIFTED },
      },
    },
  );
  const world = await setUpCallers(fixture);
  const response = await fetch(`${fixture.api.url}/api/openapi.json`);
  const operations = new Map(mountedOperations(await response.json()).map((op) => [op.operationId, op]));
  return {
    fixture,
    world,
    context: new RecipeContext(fixture, world),
    operations,
    /**
     * `rawBody` replaces the request's JSON body with exactly these bytes (malformed input);
     * `extraHeaders` are sent on top (e.g. a Content-Encoding or charset).
     */
    async send(request, caller, rawBody, extraHeaders) {
      const body = rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
      const result = await fetch(`${fixture.api.url}${request.path}`, {
        method: request.method,
        headers: {
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(request.headers ?? caller.headers()),
          ...extraHeaders,
        },
        ...(body !== undefined && { body }),
      });
      return { status: result.status, body: await result.text() };
    },
  };
}
