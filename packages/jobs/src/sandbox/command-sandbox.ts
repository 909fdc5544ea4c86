import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { bwrapArguments, type SandboxIdentity, type SystemPath } from './bwrap-arguments';
import { handCheckoutToSandbox } from './checkout-owner';
import { detectSystemLayout } from './system-layout';

/** What the operator chose (`CONMAN_COMMAND_SANDBOX`): bubblewrap (by name on PATH or absolute path), or none. */
export type CommandSandboxSetting = { mode: 'bwrap'; binary: string } | { mode: 'none' };

/**
 * How this worker runs commands: in bubblewrap, unsandboxed (explicit operator choice), or not at all
 * because bubblewrap was asked for and does not work here — then every command is refused.
 */
export type CommandSandbox =
  | { kind: 'bwrap'; binary: string; identity: SandboxIdentity; systemPaths: readonly SystemPath[] }
  | { kind: 'none' }
  | { kind: 'unavailable'; reason: string };

/** `nobody`/`nogroup`: an identity that owns no file of the host. */
const SANDBOX_UID = 65534;
const SANDBOX_GID = 65534;
const PROBE_TIMEOUT_MS = 15_000;
const PROBE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function sandboxIdentityFor(workerUid: number): SandboxIdentity {
  return { mode: workerUid === 0 ? 'setpriv' : 'userns', uid: SANDBOX_UID, gid: SANDBOX_GID };
}

/**
 * Resolves the setting once at worker start. bubblewrap is proven by running `true` in exactly the
 * sandbox commands get (namespaces, mounts, uid drop), so a kernel without user namespaces or a
 * missing `setpriv` shows up here rather than as a confusing failure of the first gate.
 */
export async function resolveCommandSandbox(setting: CommandSandboxSetting): Promise<CommandSandbox> {
  if (setting.mode === 'none') return { kind: 'none' };
  const candidate = {
    kind: 'bwrap' as const,
    binary: setting.binary,
    identity: sandboxIdentityFor(process.getuid?.() ?? -1),
    systemPaths: await detectSystemLayout(),
  };
  const probeDir = await mkdtemp(path.join(os.tmpdir(), 'conman-sandbox-probe-'));
  try {
    await handCheckoutToSandbox(candidate, probeDir);
    const args = bwrapArguments({ ...candidate, checkoutDir: probeDir, network: false, argv: ['true'] });
    await promisify(execFile)(candidate.binary, args, {
      env: { PATH: PROBE_PATH },
      timeout: PROBE_TIMEOUT_MS,
    });
    return candidate;
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    const detail = failure.stderr?.trim() || failure.message;
    return { kind: 'unavailable', reason: `${setting.binary}: ${detail}` };
  } finally {
    await rm(probeDir, { recursive: true, force: true });
  }
}

/** The message a refused command's job carries; `undefined` when commands may run. */
export function sandboxRefusal(sandbox: CommandSandbox): string | undefined {
  if (sandbox.kind !== 'unavailable') return undefined;
  return (
    `Command refused: the command sandbox (bubblewrap) does not work on this worker (${sandbox.reason}). ` +
    'Install bubblewrap, or set CONMAN_COMMAND_SANDBOX=none to run commands unsandboxed (docs/security.md).'
  );
}

/** Printed at every worker start so an unsandboxed installation never goes unnoticed. */
export function sandboxStartupNotice(sandbox: CommandSandbox): {
  level: 'info' | 'warn' | 'error';
  message: string;
} {
  if (sandbox.kind === 'bwrap')
    return { level: 'info', message: `commands run in the bubblewrap sandbox (${sandbox.identity.mode})` };
  if (sandbox.kind === 'none')
    return {
      level: 'warn',
      message:
        'CONMAN_COMMAND_SANDBOX=none: gate, deploy and migration commands run UNSANDBOXED and can read this ' +
        "host's secrets and processes (docs/security.md)",
    };
  return { level: 'error', message: sandboxRefusal(sandbox) as string };
}
