import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  resolveCommandSandbox,
  runSandboxedCommand,
  sandboxRefusal,
  sandboxStartupNotice,
  type CommandSandbox,
} from '@conman/jobs';

let checkout: string;
let hostSecret: string;
beforeEach(async () => {
  checkout = await mkdtemp(path.join(os.tmpdir(), 'sandbox-runner-'));
  await writeFile(path.join(checkout, 'input.txt'), 'from the commit\n');
  hostSecret = path.join(os.tmpdir(), `sandbox-secret-${process.pid}`);
  await writeFile(hostSecret, 'top secret\n', { mode: 0o600 });
});
afterEach(async () => {
  await rm(checkout, { recursive: true, force: true });
  await rm(hostSecret, { force: true });
});

async function run(sandbox: CommandSandbox, script: string, network = false) {
  let output = '';
  const outcome = await runSandboxedCommand({
    sandbox,
    command: script,
    checkoutDir: checkout,
    network,
    env: { PATH: '/usr/bin:/bin', SECRET_PATH: hostSecret },
    timeoutMs: 20_000,
    onOutput: (_stream, chunk) => (output += chunk.toString('utf8')),
  });
  return { outcome, output };
}

describe('the command sandbox', () => {
  it('runs in bubblewrap: own processes only, host files hidden, checkout/tmp/home writable', async () => {
    const sandbox = await resolveCommandSandbox({ mode: 'bwrap', binary: 'bwrap' });
    expect(sandbox.kind).toBe('bwrap');
    const { outcome, output } = await run(
      sandbox,
      [
        'echo "uid=$(id -u) cwd=$(pwd)"',
        `test -e /proc/${process.pid} && echo "worker visible" || echo "worker hidden"`,
        'cat "$SECRET_PATH" 2>/dev/null || echo "secret hidden"',
        'cat input.txt',
        'echo made > output.txt',
        'echo t > /tmp/t && echo h > "$HOME/h" && echo "tmp and home writable"',
      ].join('\n'),
    );
    expect(outcome.exitCode).toBe(0);
    expect(output).toContain(`uid=65534 cwd=/workspace`);
    expect(output).toContain('worker hidden');
    expect(output).toContain('secret hidden');
    expect(output).toContain('from the commit');
    expect(output).toContain('tmp and home writable');
    expect(await readFile(path.join(checkout, 'output.txt'), 'utf8')).toBe('made\n');
    if (process.getuid?.() === 0) expect((await stat(path.join(checkout, 'input.txt'))).uid).toBe(65534);
  });

  it('runs unsandboxed only when the operator chose none, and says so at start', async () => {
    const { outcome, output } = await run({ kind: 'none' }, 'cat "$SECRET_PATH"');
    expect(outcome.exitCode).toBe(0);
    expect(output).toBe('top secret\n');
    expect(sandboxStartupNotice({ kind: 'none' })).toMatchObject({
      level: 'warn',
      message: expect.stringContaining('UNSANDBOXED'),
    });
  });

  it('refuses every command when the bwrap binary is missing', async () => {
    const sandbox = await resolveCommandSandbox({ mode: 'bwrap', binary: '/nonexistent/bwrap' });
    expect(sandbox).toMatchObject({
      kind: 'unavailable',
      reason: expect.stringContaining('/nonexistent/bwrap'),
    });
    expect(sandboxRefusal(sandbox)).toContain('CONMAN_COMMAND_SANDBOX=none');
    await expect(run(sandbox, 'echo ran > ran.txt')).rejects.toThrow('Command refused');
    await expect(stat(path.join(checkout, 'ran.txt'))).rejects.toThrow('ENOENT');
  });
});
