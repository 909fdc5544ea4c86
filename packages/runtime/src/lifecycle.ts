import type { Logger } from '@conman/core';

/**
 * Keeps a service process alive until SIGTERM/SIGINT (or until the supervising `conman up` process
 * disappears), then runs its shutdown once and exits. A second signal exits at once.
 */
export function runUntilSignal(logger: Logger, shutdown: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (reason: string) => {
      if (stopping) {
        process.exit(1);
      }
      stopping = true;
      logger.info('shutting down', { reason });
      shutdown()
        .catch((error: unknown) => logger.error('shutdown failed', { error }))
        .finally(() => {
          resolve();
          process.exit(0);
        });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    watchSupervisor(() => stop('supervisor exited'));
  });
}

/** `conman up` passes its pid; if it is killed without a chance to stop us, we must not linger. */
function watchSupervisor(onGone: () => void): void {
  const supervisor = Number(process.env.CONMAN_SUPERVISOR_PID);
  if (!Number.isInteger(supervisor) || supervisor <= 0) return;
  const timer = setInterval(() => {
    if (!processExists(supervisor)) {
      clearInterval(timer);
      onGone();
    }
  }, 1_000);
  timer.unref();
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
