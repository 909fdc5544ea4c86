import { AsyncLocalStorage } from 'node:async_hooks';

/** Who and what a unit of work is about; logs and audit events read it without threading it through. */
export interface RequestContext {
  requestId: string;
  /** The signed-in user, once the request is authenticated with a session token. */
  userId?: string;
  /** The API key, once the request is authenticated with one. */
  apiKeyId?: string;
  /** The app the request acts in, once the caller is authorized there (API keys: from the start). */
  appId?: string;
  clientIp?: string;
  userAgent?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Adds fields (e.g. user id after authentication) to the context of the current request. */
export function enrichRequestContext(fields: Partial<RequestContext>): void {
  const context = storage.getStore();
  if (context) Object.assign(context, fields);
}
