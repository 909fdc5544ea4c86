import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  argvOf,
  runInProcessGroup,
  type CommandSpec,
  type ProcessGroupOutcome,
  type ProcessGroupRun,
} from '../msuite/process-group';
import { SANDBOX_HOME, SANDBOX_TMP, bwrapArguments } from './bwrap-arguments';
import { handCheckoutToSandbox } from './checkout-owner';
import { sandboxRefusal, type CommandSandbox } from './command-sandbox';

/**
 * When no gate setting says otherwise: checks of a commit (msuite) need no network, deploys and
 * migrations talk to their targets.
 */
export const SANDBOX_NETWORK_DEFAULTS = { msuite: false, deploy: true, migration: true } as const;

export interface SandboxedCommandRun extends Omit<ProcessGroupRun, 'command' | 'cwd' | 'env'> {
  sandbox: CommandSandbox;
  command: CommandSpec;
  /** The materialized checkout: the command's working directory and its only writable host path. */
  checkoutDir: string;
  network: boolean;
  /** The command's variables; HOME and TMPDIR are set here to the run's private directories. */
  env: Record<string, string>;
}

/**
 * The one way Conman runs a user-supplied command (msuite gates today; deploys and migrations):
 * inside bubblewrap unless the operator chose `none`, and never when bubblewrap was asked for but does
 * not work. Process-group handling (timeout, cancel, leftovers) is `runInProcessGroup`'s.
 */
export async function runSandboxedCommand(run: SandboxedCommandRun): Promise<ProcessGroupOutcome> {
  const { sandbox, checkoutDir, network, env, ...groupRun } = run;
  if (sandbox.kind === 'unavailable') throw new Error(sandboxRefusal(sandbox));
  if (sandbox.kind === 'none') {
    const homeDir = await mkdtemp(path.join(os.tmpdir(), 'conman-command-home-'));
    try {
      return await runInProcessGroup({ ...groupRun, cwd: checkoutDir, env: { ...env, HOME: homeDir } });
    } finally {
      await rm(homeDir, { recursive: true, force: true });
    }
  }
  await handCheckoutToSandbox(sandbox, checkoutDir);
  const args = bwrapArguments({ ...sandbox, checkoutDir, network, argv: argvOf(run.command) });
  return runInProcessGroup({
    ...groupRun,
    command: [sandbox.binary, ...args],
    cwd: checkoutDir,
    env: { ...env, HOME: SANDBOX_HOME, TMPDIR: SANDBOX_TMP },
  });
}
