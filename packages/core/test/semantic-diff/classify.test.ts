import { classifyPath, computeSemanticDiff, globToRegExp, matchesGlob, MAX_GLOB_LENGTH } from '@conman/core';

describe('classifyPath', () => {
  it.each([
    ['entities/customer.json', 'entity'],
    ['entities/sales/order.yaml', 'entity'],
    ['pages/home.json', 'page'],
    ['queues/mail.yml', 'queue'],
    ['providers/stripe.json', 'provider'],
    ['workflows/onboard.yaml', 'workflow'],
    ['tenants/acme.yml', 'tenant'],
    ['config/tenant.yml', 'tenant'],
    ['config/tenant.yaml', 'tenant'],
    ['menus/main.json', 'menu'],
    ['assets/logo.png', 'asset'],
    ['scripts/migrate.js', 'script'],
  ])('classifies %s as %s by the default rules', (path, type) => {
    expect(classifyPath(path)).toBe(type);
  });

  it('classifies paths no rule matches by extension: code is a script, the rest an asset', () => {
    expect(classifyPath('config/tenant.json')).toBe('asset');
    expect(classifyPath('config/tenant.yaaml')).toBe('asset');
    expect(classifyPath('README.md')).toBe('asset');
    expect(classifyPath('tools/build.sh')).toBe('script');
    expect(classifyPath('hooks/pre.TS')).toBe('script');
    expect(classifyPath('Makefile')).toBe('asset');
    expect(classifyPath('nested/entities/x.json')).toBe('asset');
  });

  it('evaluates app rules first, in order, first match wins', () => {
    const rules = [
      { glob: 'entities/legacy/**', config_type: 'asset' as const },
      { glob: '**/*.workflow.json', config_type: 'workflow' as const },
      { glob: 'entities/**', config_type: 'page' as const },
    ];
    expect(classifyPath('entities/legacy/old.json', rules)).toBe('asset');
    expect(classifyPath('a/b/x.workflow.json', rules)).toBe('workflow');
    expect(classifyPath('x.workflow.json', rules)).toBe('workflow');
    expect(classifyPath('entities/customer.json', rules)).toBe('page');
    expect(classifyPath('pages/home.json', rules)).toBe('page');
  });

  it('is used by computeSemanticDiff, structural comparison skipped for assets', () => {
    const result = computeSemanticDiff({
      baseSha: 'b',
      headSha: 'h',
      files: [
        { status: 'modified', path: 'custom/q.json', oldContent: '{"a":1}', newContent: '{"a":2,"b":1}' },
      ],
      rules: [{ glob: 'custom/*.json', config_type: 'queue' }],
    });
    expect(result.changes.map((c) => [c.configType, c.details?.pointer])).toEqual([
      ['queue', '/a'],
      ['queue', '/b'],
    ]);
    expect(result.summary.byConfigType.queue).toBe(2);
  });
});

describe('glob matching', () => {
  it.each([
    ['entities/**', 'entities/a/b/c.json', true],
    ['entities/**', 'entitiesx/a.json', false],
    ['**/x.json', 'x.json', true],
    ['**/x.json', 'a/b/x.json', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['*.json', 'a/b.json', false],
    ['*.json', 'b.json', true],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file/.txt', false],
    ['[abc].md', 'b.md', true],
    ['[!abc].md', 'b.md', false],
    ['[!abc].md', 'd.md', true],
    ['{pages,menus}/*.json', 'menus/m.json', true],
    ['{pages,menus}/*.json', 'queues/m.json', false],
    ['config/tenant.y?(a)ml', 'config/tenant.yml', true],
    ['config/tenant.y?(a)ml', 'config/tenant.yaml', true],
    ['config/tenant.y?(a)ml', 'config/tenant.yaaml', false],
    ['x.@(json|yml)', 'x.yml', true],
    ['x+(a).txt', 'xaa.txt', true],
    ['x+(a).txt', 'x.txt', false],
    ['x*(a).txt', 'x.txt', true],
    ['a.b', 'aXb', false],
    ['a\\*b', 'a*b', true],
  ])('%s against %s is %s', (glob, path, expected) => {
    expect(matchesGlob(path, glob)).toBe(expected);
  });

  it('bounds glob length and wildcard count (globs come from app settings)', () => {
    expect(globToRegExp(`${'a'.repeat(MAX_GLOB_LENGTH)}*`)).toBeUndefined();
    expect(globToRegExp('*/*/*/*/*/*/*')).toBeUndefined();
    expect(matchesGlob('a/b/c/d/e/f', '*/*/*/*/*/*')).toBe(true);
    expect(matchesGlob('x/y.json', '**/**/**/*.json')).toBe(true);
    const started = Date.now();
    expect(matchesGlob(`${'a/'.repeat(40)}b`, 'a/**/c/**/d/**/e/**/f')).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('rejects malformed globs (they match nothing)', () => {
    for (const glob of ['{a,b', '?(a', '[abc', 'a\\']) {
      expect(globToRegExp(glob)).toBeUndefined();
      expect(matchesGlob('a', glob)).toBe(false);
    }
  });
});
