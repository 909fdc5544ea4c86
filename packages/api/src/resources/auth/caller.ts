import type { Request } from 'express';
import type { AuditActor } from '@conman/core';
import type { AccessControl, Caller } from '@conman/auth';

/** Authenticates a request from its `Authorization` or `X-API-Key` header (401 when neither is valid). */
export function callerOf(access: AccessControl, request: Request): Promise<Caller> {
  return access.identify({ authorization: request.get('authorization'), apiKey: request.get('x-api-key') });
}

/** The audit actor for a caller. */
export function actorOf(caller: Caller): AuditActor {
  return caller.principal.kind === 'user'
    ? { type: 'user', id: caller.principal.userId }
    : { type: 'api_key', id: caller.principal.keyId };
}
