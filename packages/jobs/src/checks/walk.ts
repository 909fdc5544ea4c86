import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Repository-relative paths (POSIX separators) of the regular files under `root`. Symlinks are not
 * followed, so a link in the repository cannot make the checks read outside the materialized commit.
 */
export async function listRegularFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relative = pending.pop() as string;
    const entries = await readdir(path.join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) pending.push(child);
      else if (entry.isFile()) files.push(child);
    }
  }
  return files.sort();
}
