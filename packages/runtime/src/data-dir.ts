import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** SPEC §2.3: everything the embedded defaults keep lives below one directory. */
export const DATA_SUBDIRECTORIES = ['repos', 'mongo', 'redis', 'mail', 'logs', 'tmp'] as const;
export type DataSubdirectory = (typeof DATA_SUBDIRECTORIES)[number];

export interface DataDir {
  root: string;
  path(sub: DataSubdirectory, ...rest: string[]): string;
}

/** Owner only: the directory holds the generated secrets, the repositories and the databases. */
const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates the data directory and its subdirectories owner-only, and tightens the modes of ones an
 * older version (or the umask) created wider, so no other local user reads secrets or repositories.
 */
export function prepareDataDir(root: string): DataDir {
  const absolute = path.resolve(root);
  for (const dir of [absolute, ...DATA_SUBDIRECTORIES.map((sub) => path.join(absolute, sub))]) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    chmodSync(dir, PRIVATE_DIR_MODE);
  }
  return { root: absolute, path: (sub, ...rest) => path.join(absolute, sub, ...rest) };
}
