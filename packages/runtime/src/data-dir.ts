import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** SPEC §2.3: everything the embedded defaults keep lives below one directory. */
export const DATA_SUBDIRECTORIES = ['repos', 'mongo', 'redis', 'mail', 'logs', 'tmp'] as const;
export type DataSubdirectory = (typeof DATA_SUBDIRECTORIES)[number];

export interface DataDir {
  root: string;
  path(sub: DataSubdirectory, ...rest: string[]): string;
}

export function prepareDataDir(root: string): DataDir {
  const absolute = path.resolve(root);
  for (const sub of DATA_SUBDIRECTORIES)
    mkdirSync(path.join(absolute, sub), { recursive: true, mode: 0o700 });
  return { root: absolute, path: (sub, ...rest) => path.join(absolute, sub, ...rest) };
}
