import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Secrets embedded mode generates once and keeps in `<data-dir>/secrets.json` (mode 0600). */
export interface GeneratedSecrets {
  jwtSecret: string;
  masterKey: string;
}

const FILE_NAME = 'secrets.json';
const SECRETS_FILE_MODE = 0o600;

/**
 * Creates the file exclusively (`wx`) so a server and a worker starting at the same moment agree on one
 * set of secrets: the loser of the race reads what the winner wrote.
 */
export function loadOrCreateGeneratedSecrets(dataDir: string): GeneratedSecrets {
  const file = path.join(dataDir, FILE_NAME);
  const fresh: GeneratedSecrets = {
    jwtSecret: randomBytes(48).toString('base64url'),
    masterKey: `k1:${randomBytes(32).toString('base64')}`,
  };
  try {
    const descriptor = openSync(file, 'wx', SECRETS_FILE_MODE);
    try {
      writeSync(descriptor, `${JSON.stringify(fresh, null, 2)}\n`);
    } finally {
      closeSync(descriptor);
    }
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // A file written by an older version, or copied in, may be wider than owner-only.
  chmodSync(file, SECRETS_FILE_MODE);
  return readWhenComplete(file);
}

function readWhenComplete(file: string): GeneratedSecrets {
  // The creator writes right after the exclusive open; a reader racing it may see an empty file briefly.
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const text = readFileSync(file, 'utf8');
    if (text.trim() !== '') {
      const parsed = JSON.parse(text) as Partial<GeneratedSecrets>;
      if (typeof parsed.jwtSecret === 'string' && typeof parsed.masterKey === 'string') {
        return { jwtSecret: parsed.jwtSecret, masterKey: parsed.masterKey };
      }
      throw new Error(`${file} is not a valid secrets file: delete it to generate new secrets`);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  throw new Error(`${file} stayed empty: delete it to generate new secrets`);
}
