import {
  DEFAULT_APP_SETTINGS,
  appSettingsPatchSchema,
  appSettingsSchema,
  applySettingsPatch,
  globProblem,
  repoPathProblem,
} from '../src';

const accepts = (patch: unknown) => appSettingsPatchSchema.safeParse(patch).success;

describe('app settings', () => {
  it('defaults are valid settings and block the default paths', () => {
    expect(appSettingsSchema.parse(DEFAULT_APP_SETTINGS)).toEqual(DEFAULT_APP_SETTINGS);
    expect(DEFAULT_APP_SETTINGS.blocked_paths).toEqual(['.git/**', '.gitignore', '.github/**']);
    expect(DEFAULT_APP_SETTINGS.default_env_vars).toEqual({});
  });

  it('accepts any valid subset and refuses unknown names', () => {
    expect(accepts({})).toBe(true);
    expect(accepts({ required_approvals: 2, blocked_paths: ['secrets/**', '*.pem'] })).toBe(true);
    expect(accepts({ colour: 'red' })).toBe(false);
    expect(accepts({ canonical_env_id: null, temp_url_domain: 'preview.example.com' })).toBe(true);
  });

  it('enforces sizes, counts and enums', () => {
    expect(accepts({ required_approvals: 0 })).toBe(false);
    expect(accepts({ required_approvals: 1.5 })).toBe(false);
    expect(accepts({ file_size_limit_bytes: 0 })).toBe(false);
    expect(accepts({ baseline_mode: 'latest' })).toBe(false);
    expect(accepts({ commit_mode_default: 'manual_checkpoint' })).toBe(true);
    expect(accepts({ runtime_profile_approval_policy: 'none' })).toBe(false);
    expect(accepts({ canonical_env_id: 'prod' })).toBe(false);
    expect(accepts({ temp_url_domain: 'http://x.example.com' })).toBe(false);
    expect(accepts({ temp_url_domain: 'localhost' })).toBe(true);
    expect(accepts({ temp_url_domain: 'Preview.Example.com' })).toBe(false);
    expect(accepts({ temp_url_domain: 'a..b' })).toBe(false);
    expect(accepts({ temp_url_domain: '-a.example.com' })).toBe(false);
  });

  it('requires globs that compile, are relative and /-separated', () => {
    expect(globProblem('config/**/*.{json,yaml}')).toBeNull();
    expect(globProblem('[abc')).toMatch(/does not compile/);
    expect(globProblem('a{b')).toMatch(/does not compile/);
    expect(globProblem('/etc/**')).toMatch(/relative/);
    expect(globProblem('a\\b')).toMatch(/backslash/);
    expect(globProblem(' ')).toMatch(/empty/);
    expect(accepts({ blocked_paths: ['ok/**', '(broken'] })).toBe(false);
    expect(accepts({ semantic_diff_rules: [{ glob: 'x/(', config_type: 'entity' }] })).toBe(false);
  });

  it('validates gates: names unique, argv or text or null commands, bounded timeouts', () => {
    const gate = { name: 'msuite_submit', command: 'msuite run', timeout_seconds: 60, profile_scope: 'temp' };
    expect(accepts({ validation_gates: [gate] })).toBe(true);
    expect(accepts({ validation_gates: [{ ...gate, command: ['msuite', 'run', '--fast'] }] })).toBe(true);
    expect(accepts({ validation_gates: [{ ...gate, command: null }] })).toBe(true);
    expect(accepts({ validation_gates: [gate, { ...gate, command: 'other' }] })).toBe(false);
    expect(accepts({ validation_gates: [{ ...gate, name: 'submit' }] })).toBe(false);
    expect(accepts({ validation_gates: [{ ...gate, command: [] }] })).toBe(false);
    expect(accepts({ validation_gates: [{ ...gate, command: ['', 'x'] }] })).toBe(false);
    expect(accepts({ validation_gates: [{ ...gate, command: '' }] })).toBe(false);
    expect(accepts({ validation_gates: [{ ...gate, timeout_seconds: 0 }] })).toBe(false);
    expect(accepts({ validation_gates: [{ ...gate, timeout_seconds: 86_401 }] })).toBe(false);
    expect(accepts({ validation_gates: [{ ...gate, extra: true }] })).toBe(false);
  });

  it('validates semantic diff rules and default env vars', () => {
    expect(accepts({ semantic_diff_rules: [{ glob: 'custom/**', config_type: 'workflow' }] })).toBe(true);
    expect(accepts({ semantic_diff_rules: [{ glob: 'custom/**', config_type: 'widget' }] })).toBe(false);
    expect(accepts({ default_env_vars: { API_URL: 'https://x', _DEBUG: '1' } })).toBe(true);
    expect(accepts({ default_env_vars: { lower: 'x' } })).toBe(false);
    expect(accepts({ default_env_vars: { '1ABC': 'x' } })).toBe(false);
    expect(accepts({ default_env_vars: { CONMAN_APP_ID: 'x' } })).toBe(false);
    expect(accepts({ default_env_vars: { LONG: 'x'.repeat(4097) } })).toBe(false);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`V${index}`, 'x']));
    expect(accepts({ default_env_vars: many })).toBe(false);
  });

  it('applies a patch by replacing the named settings only', () => {
    const patched = applySettingsPatch(DEFAULT_APP_SETTINGS, {
      required_approvals: 3,
      blocked_paths: ['only/**'],
    });
    expect(patched).toEqual({ ...DEFAULT_APP_SETTINGS, required_approvals: 3, blocked_paths: ['only/**'] });
  });
});

describe('repo_path', () => {
  it.each(['shop.git', 'team/shop.git', 'a/b/c-1_2.git'])('accepts %s', (path) => {
    expect(repoPathProblem(path)).toBeNull();
  });

  it.each([
    ['', /empty/],
    ['../x.git', /normalized/],
    ['/abs.git', /relative/],
    ['a/../../b.git', /normalized/],
    ['a/./b.git', /normalized/],
    ['a//b.git', /normalized/],
    ['a\\b.git', /backslash/],
    ['a\u0000.git', /control/],
    ['shop', /\.git/],
    ['.git', /letters/],
    ['.hidden/x.git', /letters/],
    ['outer.git/inner.git', /inside another/],
    ['sp ace.git', /letters/],
    [`${'a'.repeat(252)}.git`, /255/],
  ])('refuses %j', (path, reason) => {
    expect(repoPathProblem(path)).toMatch(reason);
  });
});
