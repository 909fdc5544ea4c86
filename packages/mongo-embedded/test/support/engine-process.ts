import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const packageDir = join(__dirname, '..', '..');
const repoRoot = join(packageDir, '..', '..');

/** Compiles the package (incremental, a no-op when dist is current) so the bin runs today's sources. */
export async function buildEngine(): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', packageDir],
    { cwd: repoRoot },
  );
}

export interface EngineProcess {
  child: ChildProcess;
  uri: string;
  exited: Promise<number | null>;
}

/** Starts `bin/conman-mongod.js` on `dbPath` and resolves with the URI from its `listening <uri>` line. */
export function startEngineProcess(dbPath: string): Promise<EngineProcess> {
  const child = spawn(
    process.execPath,
    [join(packageDir, 'bin', 'conman-mongod.js'), '--dbpath', dbPath, '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^listening (\S+)$/m.exec(output);
      if (match) resolve({ child, uri: match[1]!, exited });
    });
    void exited.then((code) => reject(new Error(`engine exited with ${code} before listening: ${errors}`)));
  });
}
