import type { ManagedChild } from '@conman/runtime';
import { DEFAULT_RESTART_POLICY, decideRestart, recentCrashes, type RestartPolicy } from './restart-policy';

/** One child of `conman up`: how to (re)start it; every start must serve at the same address. */
export interface SupervisedChildSpec {
  name: string;
  start(): Promise<ManagedChild>;
}

export interface SupervisedChild {
  name: string;
  /** The running process's id, undefined between a crash and its restart. */
  pid(): number | undefined;
  /** Stops the child for good: no restart after this, also not one already scheduled. */
  stop(): Promise<void>;
}

/** Why the stack stops on its own: one child kept crashing. */
export interface CrashLoop {
  name: string;
  crashesInWindow: number;
  windowMs: number;
}

/**
 * Restarts children that die while the others keep serving, with backoff from the restart policy;
 * `crashLoop` resolves when one child crashes too often, for the caller to stop everything.
 */
export class Supervisor {
  private reportCrashLoop: (loop: CrashLoop) => void = () => undefined;
  /** Resolves (once) with the first child that crashed too often; never rejects. */
  readonly crashLoop: Promise<CrashLoop> = new Promise((resolve) => (this.reportCrashLoop = resolve));

  constructor(
    private readonly report: (line: string) => void,
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the child (a failing first start rejects, as at startup nothing is serving yet) and watches it. */
  async supervise(spec: SupervisedChildSpec): Promise<SupervisedChild> {
    let current: ManagedChild | undefined = await spec.start();
    let stopping = false;
    let crashTimes: number[] = [];
    let restartTimer: NodeJS.Timeout | undefined;
    let restarting: Promise<void> = Promise.resolve();

    const restart = async (): Promise<void> => {
      restartTimer = undefined;
      try {
        const child = await spec.start();
        if (stopping) {
          await child.stop();
          return;
        }
        current = child;
        this.report(`${spec.name} restarted (pid ${child.process.pid})`);
        watch(child);
      } catch (error) {
        onCrash(`failed to restart: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    const onCrash = (how: string): void => {
      current = undefined;
      if (stopping) return;
      const now = this.now();
      crashTimes = recentCrashes([...crashTimes, now], now, this.policy);
      const decision = decideRestart(crashTimes, now, this.policy);
      if (decision.action === 'give_up') {
        this.report(`${spec.name} ${how}`);
        this.reportCrashLoop({
          name: spec.name,
          crashesInWindow: decision.crashesInWindow,
          windowMs: this.policy.windowMs,
        });
        return;
      }
      this.report(`${spec.name} ${how}; restarting in ${decision.delayMs} ms`);
      restartTimer = setTimeout(() => {
        restarting = restart();
      }, decision.delayMs);
    };
    const watch = (child: ManagedChild): void => {
      void child.exited.then((code) => {
        if (current === child) onCrash(`exited unexpectedly (code ${code ?? 'unknown'})`);
      });
    };
    watch(current);

    return {
      name: spec.name,
      pid: () => current?.process.pid,
      stop: async () => {
        stopping = true;
        if (restartTimer) clearTimeout(restartTimer);
        await restarting;
        const child = current;
        current = undefined;
        await child?.stop();
      },
    };
  }
}
