import { lchown, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CommandSandbox } from './command-sandbox';

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await lchown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid, gid);
    else await lchown(child, uid, gid);
  }
}

/**
 * A root worker's checkout belongs to root; the command runs as the sandbox uid and must be able to
 * write in it, so the tree changes owner (the worker, still root, removes it afterwards). A non-root
 * worker's checkout already belongs to the uid its user namespace maps the command onto.
 */
export async function handCheckoutToSandbox(sandbox: CommandSandbox, checkoutDir: string): Promise<void> {
  if (sandbox.kind !== 'bwrap' || sandbox.identity.mode !== 'setpriv') return;
  await chownTree(checkoutDir, sandbox.identity.uid, sandbox.identity.gid);
}
