import type { Request } from 'express';
import type {
  App,
  AuditActor,
  Capability,
  OwnershipRule,
  PlatformCapability,
  Role,
  User,
} from '@conman/core';
import type { Caller } from '@conman/auth';

/** What the platform knows of a request when it loads the item a route acts on. */
export interface ItemRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/**
 * The one item an app route acts on (a changeset, a workspace, a job): loaded by the platform once
 * the caller may act in the app (404 when absent), then checked against the route's `own` rule.
 */
export interface ItemSource<T> {
  load(request: ItemRequest, app: App): Promise<T>;
  /** Who owns the item for owner rules (its author), or null when nobody does. */
  ownerOf(item: T): string | null;
}

/**
 * Who may call an operation, declared next to it and enforced by the platform before the handler
 * runs (docs/architecture.md "The request path"); published as `x-conman-access` in the OpenAPI
 * document, and the generated RBAC test checks every operation's real answers against it.
 */
export type RouteAccess =
  /** No credentials needed (health, docs, login, invite acceptance). */
  | { readonly kind: 'public' }
  /** Any signed-in user; API keys get 403 (profile, logout). */
  | { readonly kind: 'user' }
  /** Any valid user token or API key (lists filtered to what the caller may see). */
  | { readonly kind: 'authenticated' }
  /** A platform capability (platform admins, who are users: API keys get 403). */
  | { readonly kind: 'platform'; readonly capability: PlatformCapability }
  /**
   * A capability in the app named by `:appId` (non-members 404, then the matrix: 403). With `item`
   * the route acts on one item, loaded after the check; `own` then applies an owner rule to it (core
   * `canOnItem`), which the RBAC test exercises on the caller's own item and on someone else's.
   */
  | AppAccess<unknown>;

export interface AppAccess<T> {
  readonly kind: 'app';
  readonly capability: Capability;
  readonly item?: ItemSource<T>;
  readonly own?: OwnershipRule;
}

/** A signed-in person (never an API key). */
export interface UserCaller extends Caller {
  readonly user: User;
  readonly sessionId: string;
}

/** A caller allowed in an app: their role there and the actor audit events name. */
export interface AppGrant<T> {
  readonly caller: Caller;
  readonly role: Role;
  readonly actor: AuditActor;
  readonly app: App;
  readonly item: T;
}

/** What a handler receives from the platform for its declared access. */
export type Granted<A extends RouteAccess> = A extends { kind: 'public' }
  ? object
  : A extends { kind: 'user' } | { kind: 'platform' }
    ? { readonly caller: UserCaller; readonly actor: AuditActor }
    : A extends { kind: 'app'; item: ItemSource<infer T> }
      ? AppGrant<T>
      : A extends { kind: 'app' }
        ? AppGrant<undefined>
        : { readonly caller: Caller; readonly actor: AuditActor };

/** Enforces a route's declared access; the one place requests are authenticated and authorized. */
export interface AccessGuard {
  grant(access: RouteAccess, request: Request, item: ItemRequest): Promise<object>;
}

export function assertAccessDeclaration(access: RouteAccess, label: string): void {
  if (access.kind === 'app' && access.own !== undefined && access.item === undefined) {
    throw new Error(`${label}: an owner rule needs the item it applies to (access.item)`);
  }
}
