import type { Request } from 'express';
import { ForbiddenError, type AuditActor, type Capability, type Role } from '@conman/core';
import type { AccessControl, Caller } from '@conman/auth';

/** Authenticates a request from its `Authorization` or `X-API-Key` header (401 when neither is valid). */
export function callerOf(access: AccessControl, request: Request): Promise<Caller> {
  return access.identify({ authorization: request.get('authorization'), apiKey: request.get('x-api-key') });
}

/** For endpoints about the signed-in person (profile, logout): API keys are refused with 403. */
export async function userCallerOf(
  access: AccessControl,
  request: Request,
): Promise<Caller & Required<Pick<Caller, 'user' | 'sessionId'>>> {
  const caller = await callerOf(access, request);
  if (!caller.user || caller.sessionId === undefined)
    throw new ForbiddenError('Only signed-in users can do this');
  return { ...caller, user: caller.user, sessionId: caller.sessionId };
}

/** Authenticates the request and checks the capability in the app (401, then 404 for non-members, then 403). */
export async function authorizedCaller(
  access: AccessControl,
  request: Request,
  appId: string,
  capability: Capability,
): Promise<Caller & { role: Role }> {
  const caller = await callerOf(access, request);
  const role = await access.authorize(caller, appId, capability);
  return { ...caller, role };
}

/** The audit actor for a caller. */
export function actorOf(caller: Caller): AuditActor {
  return caller.principal.kind === 'user'
    ? { type: 'user', id: caller.principal.userId }
    : { type: 'api_key', id: caller.principal.keyId };
}
