import { ConfigError, parseConfig, parseMasterKeys } from '@conman/core';

const KEY = Buffer.alloc(32, 7).toString('base64');
const SECRET = 's'.repeat(32);

describe('parseConfig', () => {
  it('applies the documented defaults in embedded mode with generated secrets', () => {
    const config = parseConfig({}, { jwtSecret: SECRET, masterKey: KEY });
    expect(config).toMatchObject({
      mode: 'embedded',
      http: { port: 3000, host: '127.0.0.1' },
      dataDir: './.conman-data',
      mongo: { uri: undefined, dbName: 'conman' },
      auth: { jwtSecret: SECRET, jwtExpiryHours: 24, inviteExpiryDays: 7 },
      gitaly: { storage: 'default' },
      publicUrl: 'http://localhost:3000',
      logLevel: 'info',
      ai: { baseUrl: undefined, apiKey: undefined, model: 'gpt-4o-mini', timeoutMs: 10_000 },
    });
    expect(config.secrets.masterKeys).toEqual([{ id: 'k1', key: Buffer.alloc(32, 7) }]);
    expect(config.workerConcurrency.validation).toBe(2);
  });

  it('names every invalid variable in one error', () => {
    const attempt = () =>
      parseConfig(
        {
          CONMAN_PORT: 'eighty',
          CONMAN_LOG_LEVEL: 'loud',
          CONMAN_MONGO_URI: 'postgres://x',
          CONMAN_JWT_SECRET: 'short',
        },
        { jwtSecret: SECRET, masterKey: KEY },
      );
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as ConfigError).message;
      for (const name of ['CONMAN_PORT', 'CONMAN_LOG_LEVEL', 'CONMAN_MONGO_URI', 'CONMAN_JWT_SECRET']) {
        expect(message).toContain(name);
      }
    }
  });

  it('refuses to start production without its secrets and services, never using generated ones', () => {
    expect(() => parseConfig({ CONMAN_MODE: 'production' }, { jwtSecret: SECRET, masterKey: KEY })).toThrow(
      /CONMAN_JWT_SECRET[\s\S]*CONMAN_SECRETS_MASTER_KEY[\s\S]*CONMAN_MONGO_URI[\s\S]*CONMAN_REDIS_URL/,
    );
    const config = parseConfig({
      CONMAN_MODE: 'production',
      CONMAN_JWT_SECRET: SECRET,
      CONMAN_SECRETS_MASTER_KEY: `old:${KEY},new:${Buffer.alloc(32, 9).toString('base64')}`,
      CONMAN_MONGO_URI: 'mongodb://db.internal:27017/?replicaSet=rs0',
      CONMAN_REDIS_URL: 'redis://cache.internal:6379',
    });
    expect(config.secrets.masterKeys.map((version) => version.id)).toEqual(['old', 'new']);
  });

  it('reads the AI endpoint settings and bounds the model timeout', () => {
    const generated = { jwtSecret: SECRET, masterKey: KEY };
    const config = parseConfig(
      {
        CONMAN_AI_BASE_URL: 'http://127.0.0.1:9999/v1',
        CONMAN_AI_API_KEY: 'sk-test',
        CONMAN_AI_MODEL: 'local-model',
        CONMAN_AI_TIMEOUT_MS: '2500',
      },
      generated,
    );
    expect(config.ai).toEqual({
      baseUrl: 'http://127.0.0.1:9999/v1',
      apiKey: 'sk-test',
      model: 'local-model',
      timeoutMs: 2500,
    });
    expect(() => parseConfig({ CONMAN_AI_TIMEOUT_MS: '0' }, generated)).toThrow(/CONMAN_AI_TIMEOUT_MS/);
    expect(() => parseConfig({ CONMAN_AI_TIMEOUT_MS: '300001' }, generated)).toThrow(/CONMAN_AI_TIMEOUT_MS/);
    expect(() => parseConfig({ CONMAN_AI_BASE_URL: 'not a url' }, generated)).toThrow(/CONMAN_AI_BASE_URL/);
  });

  it('requires the bootstrap admin email and password together', () => {
    expect(() =>
      parseConfig({ CONMAN_BOOTSTRAP_ADMIN_EMAIL: 'a@example.com' }, { jwtSecret: SECRET, masterKey: KEY }),
    ).toThrow(/CONMAN_BOOTSTRAP_ADMIN_EMAIL and CONMAN_BOOTSTRAP_ADMIN_PASSWORD/);
  });

  it('parses flags, CORS origins and per-family worker concurrency', () => {
    const config = parseConfig(
      {
        CONMAN_TRUST_PROXY: 'yes',
        CONMAN_CORS_ORIGINS: 'https://a.example, https://b.example',
        CONMAN_WORKER_CONCURRENCY_DEPLOY: '5',
      },
      { jwtSecret: SECRET, masterKey: KEY },
    );
    expect(config.http.trustProxy).toBe(true);
    expect(config.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.workerConcurrency.deploy).toBe(5);
  });
});

describe('parseMasterKeys', () => {
  it.each([
    ['', undefined],
    ['not base64!', undefined],
    [Buffer.alloc(16).toString('base64'), undefined],
    [`a:${KEY},a:${KEY}`, undefined],
  ])('rejects %p', (text, expected) => {
    expect(parseMasterKeys(text)).toEqual(expected);
  });
});
