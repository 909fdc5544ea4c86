import type { AuditActor, GitSignature } from '@conman/core';

/** Who acts on a workspace: the audit identity, the owner identity and the commit signature. */
export interface WorkspaceActor {
  audit: AuditActor;
  /** User id, or API key id for service accounts. */
  ownerId: string;
  ownerSlug: string;
  signature: GitSignature;
}

/** How an API key (a service account) signs its commits, whichever operation makes them. */
export function serviceAccountSignature(keyId: string): GitSignature {
  return { name: `Conman API key ${keyId}`, email: `api-key-${keyId}@conman.invalid` };
}
