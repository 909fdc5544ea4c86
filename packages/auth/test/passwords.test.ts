import { PASSWORD_HASH_OPTIONS, hashPassword, verifyPassword, verifyPasswordOrDummy } from '@conman/auth';

describe('password hashing', () => {
  it('produces argon2id hashes with the documented floor parameters', async () => {
    const hash = await hashPassword('tangerine orbit lantern');
    expect(hash.startsWith('$argon2id$v=19$')).toBe(true);
    const memory = /[$,]m=(\d+)/.exec(hash)?.[1];
    const time = /[$,]t=(\d+)/.exec(hash)?.[1];
    expect(Number(memory)).toBeGreaterThanOrEqual(19_456);
    expect(Number(time)).toBeGreaterThanOrEqual(2);
    expect(PASSWORD_HASH_OPTIONS.memoryCost).toBeGreaterThanOrEqual(19_456);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('tangerine orbit lantern');
    await expect(verifyPassword(hash, 'tangerine orbit lantern')).resolves.toBe(true);
    await expect(verifyPassword(hash, 'tangerine orbit lanterN')).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password!')).not.toBe(await hashPassword('same password!'));
  });

  it('returns false for a malformed stored hash instead of throwing', async () => {
    await expect(verifyPassword('not-a-hash', 'whatever password')).resolves.toBe(false);
  });

  it('runs a real verification for unknown users and always refuses', async () => {
    const hash = await hashPassword('tangerine orbit lantern');
    await expect(verifyPasswordOrDummy(hash, 'tangerine orbit lantern')).resolves.toBe(true);
    await expect(verifyPasswordOrDummy(undefined, 'tangerine orbit lantern')).resolves.toBe(false);
    await expect(
      verifyPasswordOrDummy(undefined, 'dummy password that is never a real credential'),
    ).resolves.toBe(false);
  });

  it('spends comparable time on unknown users and wrong passwords', async () => {
    const hash = await hashPassword('tangerine orbit lantern');
    await verifyPasswordOrDummy(undefined, 'warm-up');
    const time = async (stored: string | undefined): Promise<number> => {
      const start = process.hrtime.bigint();
      await verifyPasswordOrDummy(stored, 'wrong password here');
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const known = Math.min(await time(hash), await time(hash), await time(hash));
    const unknown = Math.min(await time(undefined), await time(undefined), await time(undefined));
    // Both paths run one argon2 verification; without the dummy the unknown path would take ~0 ms.
    expect(unknown).toBeGreaterThan(known * 0.3);
  });
});
