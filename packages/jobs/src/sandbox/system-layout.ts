import { lstat, readlink } from 'node:fs/promises';
import type { SystemPath } from './bwrap-arguments';

/**
 * The read-only system a command sees: programs, libraries and /etc (resolver, CA certificates,
 * passwd for `id`). Nothing else of the host — not /root, /home, /work, /var or the data directory.
 */
const SYSTEM_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];

/** Reads how this host lays those paths out (missing ones are skipped). */
export async function detectSystemLayout(): Promise<SystemPath[]> {
  const layout: SystemPath[] = [];
  for (const candidate of SYSTEM_PATHS) {
    const stats = await lstat(candidate).catch(() => undefined);
    if (stats?.isSymbolicLink())
      layout.push({ path: candidate, kind: 'symlink', target: await readlink(candidate) });
    else if (stats?.isDirectory()) layout.push({ path: candidate, kind: 'dir' });
  }
  return layout;
}
