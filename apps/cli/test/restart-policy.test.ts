import { decideRestart, recentCrashes, type RestartPolicy } from '../src/supervision/restart-policy';

const POLICY: RestartPolicy = { maxCrashes: 5, windowMs: 60_000, initialBackoffMs: 500, maxBackoffMs: 4_000 };

describe('restart policy of conman up', () => {
  it('restarts after a delay that doubles with each crash in the window, up to the cap', () => {
    const now = 1_000_000;
    const delays = [1, 2, 3, 4].map((count) => {
      const crashes = Array.from({ length: count }, (_, index) => now - index * 1_000);
      return decideRestart(crashes, now, POLICY);
    });
    expect(delays).toEqual([
      { action: 'restart', delayMs: 500 },
      { action: 'restart', delayMs: 1_000 },
      { action: 'restart', delayMs: 2_000 },
      { action: 'restart', delayMs: 4_000 },
    ]);
    expect(decideRestart([now - 3, now - 2, now - 1, now], now, { ...POLICY, maxBackoffMs: 1_500 })).toEqual({
      action: 'restart',
      delayMs: 1_500,
    });
  });

  it('gives up at the fifth crash within the window', () => {
    const now = 500_000;
    const crashes = [now - 50_000, now - 40_000, now - 30_000, now - 1_000, now];
    expect(decideRestart(crashes, now, POLICY)).toEqual({ action: 'give_up', crashesInWindow: 5 });
  });

  it('forgets crashes older than the window, so an occasional crash never stops the stack', () => {
    const now = 10_000_000;
    const oldCrashes = [now - 300_000, now - 200_000, now - 120_000, now - 60_000];
    expect(recentCrashes([...oldCrashes, now], now, POLICY)).toEqual([now]);
    expect(decideRestart([...oldCrashes, now], now, POLICY)).toEqual({ action: 'restart', delayMs: 500 });
  });
});
