/**
 * When a child of `conman up` dies: restart it after a growing delay, unless it keeps dying, in which
 * case the stack stops (a crash loop is a fault to look at, not to paper over). Pure, so the numbers
 * are tested without processes (docs/operations.md, "Supervision").
 */
export interface RestartPolicy {
  /** This many crashes of one child within `windowMs` stop the stack. */
  maxCrashes: number;
  windowMs: number;
  /** Delay before the first restart; doubles with each further crash in the window. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxCrashes: 5,
  windowMs: 60_000,
  initialBackoffMs: 500,
  maxBackoffMs: 8_000,
};

export type RestartDecision =
  { action: 'restart'; delayMs: number } | { action: 'give_up'; crashesInWindow: number };

/**
 * `crashTimes` are the times one child died, the latest included. Crashes older than the window are
 * forgotten, so a child that crashed a few times long ago starts over with the shortest delay.
 */
export function decideRestart(
  crashTimes: readonly number[],
  now: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): RestartDecision {
  const crashesInWindow = recentCrashes(crashTimes, now, policy).length;
  if (crashesInWindow >= policy.maxCrashes) return { action: 'give_up', crashesInWindow };
  const doublings = Math.max(0, crashesInWindow - 1);
  return {
    action: 'restart',
    delayMs: Math.min(policy.initialBackoffMs * 2 ** doublings, policy.maxBackoffMs),
  };
}

/** The crashes still inside the window; what a supervisor needs to keep. */
export function recentCrashes(
  crashTimes: readonly number[],
  now: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): number[] {
  return crashTimes.filter((time) => now - time < policy.windowMs);
}
