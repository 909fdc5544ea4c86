import { DEFAULT_APP_SETTINGS, type App } from '@conman/core';
import { gateSettingsOf } from '@conman/jobs';

function appWith(settings: Record<string, unknown>): App {
  const now = new Date();
  return {
    id: 'a'.repeat(24),
    name: 'app',
    repoPath: 'app.git',
    integrationBranch: 'main',
    settings: { ...DEFAULT_APP_SETTINGS, ...settings } as App['settings'],
    createdAt: now,
    updatedAt: now,
  };
}

describe('gateSettingsOf', () => {
  it('finds the gate by job-type name (settings contract) or by short gate name', () => {
    const app = appWith({
      validation_gates: [
        { name: 'msuite_validate', command: ['npm', 'test'], timeout_seconds: 30, profile_scope: 'temp' },
        { name: 'submit', command: 'make check', timeout_seconds: 60, profile_scope: 'temp' },
      ],
    });
    expect(gateSettingsOf(app, 'manual')).toEqual({
      repoPath: 'app.git',
      scopeEnv: {},
      command: ['npm', 'test'],
      timeoutMs: 30_000,
    });
    expect(gateSettingsOf(app, 'submit')).toMatchObject({ command: 'make check', timeoutMs: 60_000 });
    expect(gateSettingsOf(app, 'deploy')).toEqual({ repoPath: 'app.git', scopeEnv: {} });
  });

  it('treats a null command as checks only and ignores entries that do not parse', () => {
    const app = appWith({
      validation_gates: [
        { name: 'msuite_merge', command: null, timeout_seconds: 30, profile_scope: 'temp' },
        { name: 'msuite_deploy', command: 42 },
      ],
    });
    expect(gateSettingsOf(app, 'merge')).toEqual({ repoPath: 'app.git', scopeEnv: {}, timeoutMs: 30_000 });
    expect(gateSettingsOf(app, 'deploy')).toEqual({ repoPath: 'app.git', scopeEnv: {} });
  });

  it('passes default_env_vars as the scope variables; a malformed map gives none', () => {
    expect(
      gateSettingsOf(appWith({ default_env_vars: { API_URL: 'http://x', LEVEL: '2' } }), 'manual'),
    ).toMatchObject({ scopeEnv: { API_URL: 'http://x', LEVEL: '2' } });
    for (const bad of [{ CONMAN_JOB_ID: 'spoof' }, { 'bad name': 'x' }, { X: 1 }, 'text']) {
      expect(gateSettingsOf(appWith({ default_env_vars: bad }), 'manual').scopeEnv).toEqual({});
    }
    expect(gateSettingsOf(appWith({}), 'manual').scopeEnv).toEqual({});
  });
});
