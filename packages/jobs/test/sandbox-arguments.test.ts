import { bwrapArguments, type BwrapPlan } from '@conman/jobs';

const plan: BwrapPlan = {
  systemPaths: [
    { path: '/usr', kind: 'dir' },
    { path: '/bin', kind: 'symlink', target: 'usr/bin' },
    { path: '/etc', kind: 'dir' },
  ],
  checkoutDir: '/data/tmp/conman-gate-abc',
  network: false,
  identity: { mode: 'setpriv', uid: 65534, gid: 65534 },
  argv: ['sh', '-c', 'make check'],
};

/** The arguments that follow `flag`, as a list of `count`-tuples of every occurrence. */
function occurrences(args: string[], flag: string, count: number): string[][] {
  return args.flatMap((arg, index) => (arg === flag ? [args.slice(index + 1, index + 1 + count)] : []));
}

describe('bwrapArguments', () => {
  it('isolates processes, IPC and hostname, and dies with the worker', () => {
    const args = bwrapArguments(plan);
    for (const flag of ['--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-uts'])
      expect(args).toContain(flag);
    expect(occurrences(args, '--proc', 1)).toEqual([['/proc']]);
  });

  it('binds the system read-only and nothing of the host but the checkout', () => {
    const args = bwrapArguments(plan);
    expect(occurrences(args, '--ro-bind', 2)).toEqual([
      ['/usr', '/usr'],
      ['/etc', '/etc'],
    ]);
    expect(occurrences(args, '--symlink', 2)).toEqual([['usr/bin', '/bin']]);
    expect(occurrences(args, '--bind', 2)).toEqual([['/data/tmp/conman-gate-abc', '/workspace']]);
    expect(occurrences(args, '--chdir', 1)).toEqual([['/workspace']]);
    expect(occurrences(args, '--tmpfs', 1)).toEqual([['/tmp'], ['/home/sandbox']]);
    expect(args).not.toContain('--dev-bind');
  });

  it('cuts the network unless the plan allows it', () => {
    expect(bwrapArguments(plan)).toContain('--unshare-net');
    expect(bwrapArguments({ ...plan, network: true })).not.toContain('--unshare-net');
  });

  it('drops a root worker to the sandbox uid with setpriv, clearing groups and capabilities', () => {
    const args = bwrapArguments(plan);
    expect(args).not.toContain('--unshare-user');
    const command = args.slice(args.indexOf('--') + 1);
    expect(command).toEqual([
      'setpriv',
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      '--inh-caps=-all',
      '--bounding-set=-all',
      '--no-new-privs',
      '--',
      'sh',
      '-c',
      'make check',
    ]);
  });

  it('maps a non-root worker onto the sandbox uid in a user namespace, with no capability added', () => {
    const args = bwrapArguments({ ...plan, identity: { mode: 'userns', uid: 65534, gid: 65534 } });
    expect(occurrences(args, '--uid', 1)).toEqual([['65534']]);
    expect(occurrences(args, '--gid', 1)).toEqual([['65534']]);
    expect(args).toContain('--unshare-user');
    expect(args).not.toContain('--cap-add');
    expect(args.slice(args.indexOf('--') + 1)).toEqual(['sh', '-c', 'make check']);
  });
});
