import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, loadOrCreateGeneratedSecrets, writeRuntimeFile } from '@conman/runtime';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'conman-config-'));
}

describe('loadConfig', () => {
  it('generates embedded secrets once, keeps them private, and reuses them', () => {
    const cwd = tempDir();
    const first = loadConfig({ cwd, env: {} });
    const second = loadConfig({ cwd, env: {} });
    expect(first.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.auth.jwtSecret).toBe(first.auth.jwtSecret);
    expect(second.secrets.masterKeys[0]?.key.equals(first.secrets.masterKeys[0]?.key as Buffer)).toBe(true);
    const file = path.join(cwd, '.conman-data', 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.dataDir).toBe(path.join(cwd, '.conman-data'));
    expect(statSync(first.dataDir).mode & 0o777).toBe(0o700);
  });

  it('tightens a data directory and secrets file an older version left readable to others', () => {
    const cwd = tempDir();
    const dataDir = path.join(cwd, '.conman-data');
    mkdirSync(path.join(dataDir, 'tmp'), { recursive: true, mode: 0o755 });
    loadConfig({ cwd, env: {} });
    chmodSync(dataDir, 0o755);
    chmodSync(path.join(dataDir, 'tmp'), 0o777);
    chmodSync(path.join(dataDir, 'secrets.json'), 0o644);
    loadConfig({ cwd, env: {} });
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dataDir, 'tmp')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('reads .env, lets the process environment win, and applies CLI overrides', () => {
    const cwd = tempDir();
    writeFileSync(
      path.join(cwd, '.env'),
      'CONMAN_PORT=4100\nCONMAN_LOG_LEVEL=debug\nCONMAN_MONGO_DB=fromfile\n',
    );
    const config = loadConfig({ cwd, env: { CONMAN_MONGO_DB: 'fromenv' }, dataDir: 'elsewhere' });
    expect(config.http.port).toBe(4100);
    expect(config.logLevel).toBe('debug');
    expect(config.mongo.dbName).toBe('fromenv');
    expect(config.dataDir).toBe(path.join(cwd, 'elsewhere'));
    expect(loadConfig({ cwd, env: {}, port: 5000 }).http.port).toBe(5000);
  });

  it('uses the services recorded by `conman up` unless told to ignore them', () => {
    const cwd = tempDir();
    const dataDir = path.join(cwd, '.conman-data');
    loadConfig({ cwd, env: {} });
    writeRuntimeFile(dataDir, {
      pid: 1,
      started_at: new Date().toISOString(),
      url: 'http://127.0.0.1:3000',
      mongo: { uri: 'mongodb://127.0.0.1:1234', backend: 'embedded-engine' },
      redis: { url: 'redis://127.0.0.1:5678', backend: 'redis-server' },
      git: { backend: 'local', location: path.join(dataDir, 'repos') },
    });
    expect(loadConfig({ cwd, env: {} })).toMatchObject({
      mongo: { uri: 'mongodb://127.0.0.1:1234' },
      redis: { url: 'redis://127.0.0.1:5678' },
    });
    expect(loadConfig({ cwd, env: { CONMAN_MONGO_URI: 'mongodb://explicit:1' } }).mongo.uri).toBe(
      'mongodb://explicit:1',
    );
    expect(loadConfig({ cwd, env: {}, ignoreRuntimeFile: true }).mongo.uri).toBeUndefined();
  });

  it('never generates secrets in production mode', () => {
    const cwd = tempDir();
    expect(() => loadConfig({ cwd, env: { CONMAN_MODE: 'production' } })).toThrow(/CONMAN_JWT_SECRET/);
  });

  it('agrees on one set of secrets when several processes race to create them', () => {
    const dataDir = tempDir();
    const results = Array.from({ length: 5 }, () => loadOrCreateGeneratedSecrets(dataDir));
    expect(new Set(results.map((secrets) => secrets.jwtSecret)).size).toBe(1);
    expect(JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).jwtSecret).toBe(
      results[0]?.jwtSecret,
    );
  });
});
