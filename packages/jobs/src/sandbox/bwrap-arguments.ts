/**
 * The bubblewrap command line of one sandboxed command, built as pure data so every rule of the
 * sandbox (docs/security.md) is visible and unit-tested in one place.
 */

/** A top-level system path as found on the host: merged-/usr systems have symlinks, others dirs. */
export type SystemPath = { path: string; kind: 'dir' } | { path: string; kind: 'symlink'; target: string };

/**
 * How the command ends up unprivileged. `setpriv`: the worker is root, so bwrap sets up the sandbox
 * with real privileges and `setpriv` then drops to a host uid that owns nothing (a user namespace
 * would map the sandbox uid back to root, and root-owned files such as /etc/shadow would stay
 * readable). `userns`: a non-root worker maps the sandbox uid onto its own in a user namespace.
 */
export type SandboxIdentity = { mode: 'setpriv' | 'userns'; uid: number; gid: number };

export interface BwrapPlan {
  systemPaths: readonly SystemPath[];
  /** Host directory of the materialized checkout: the only writable host path. */
  checkoutDir: string;
  network: boolean;
  identity: SandboxIdentity;
  /** The command's argv (program first). */
  argv: readonly string[];
}

/** Where the checkout, HOME and TMPDIR are inside the sandbox: no host path is revealed. */
export const SANDBOX_WORKDIR = '/workspace';
export const SANDBOX_HOME = '/home/sandbox';
export const SANDBOX_TMP = '/tmp';

export function bwrapArguments(plan: BwrapPlan): string[] {
  const { identity } = plan;
  const args = [
    // The whole sandbox is SIGKILLed when bwrap dies, and a new PID namespace dies with its init,
    // so killing bwrap's process group stops every process the command started.
    '--die-with-parent',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    ...(plan.network ? [] : ['--unshare-net']),
    ...(identity.mode === 'userns'
      ? ['--unshare-user', '--uid', String(identity.uid), '--gid', String(identity.gid)]
      : ['--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID']),
    '--hostname',
    'conman-sandbox',
  ];
  for (const entry of plan.systemPaths) {
    if (entry.kind === 'symlink') args.push('--symlink', entry.target, entry.path);
    else args.push('--ro-bind', entry.path, entry.path);
  }
  args.push(
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    // One uid lives in the sandbox, so world-writable private mounts expose nothing.
    '--perms',
    '1777',
    '--tmpfs',
    SANDBOX_TMP,
    '--perms',
    '1777',
    '--tmpfs',
    SANDBOX_HOME,
    '--bind',
    plan.checkoutDir,
    SANDBOX_WORKDIR,
    '--chdir',
    SANDBOX_WORKDIR,
    '--',
  );
  if (identity.mode === 'setpriv') {
    args.push(
      'setpriv',
      `--reuid=${identity.uid}`,
      `--regid=${identity.gid}`,
      '--clear-groups',
      '--inh-caps=-all',
      '--bounding-set=-all',
      '--no-new-privs',
      '--',
    );
  }
  args.push(...plan.argv);
  return args;
}
