import {
  STRUCTURED_LIMITS,
  analyzeChangeset,
  blockedPathMatcher,
  globProblem,
  bracketNestingDepth,
  computeSemanticDiff,
  parseJsonWithinLimits,
  parseYamlWithinLimits,
  valueBreach,
} from '../src';
import { compareValues } from '../src/semantic-diff/compare';

const nestedJson = (depth: number, leaf = '1') => `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;

describe('limits on parsed JSON/YAML', () => {
  it('measure bracket nesting in one pass, ignoring brackets in JSON strings', () => {
    expect(bracketNestingDepth('{"a":[1,{"b":"[[[["}]}', 100, true)).toBe(3);
    expect(bracketNestingDepth('a: "[[[["', 100, false)).toBe(4);
    expect(bracketNestingDepth('['.repeat(1_000_000), 10, true)).toBe(11);
  });

  it('parse JSON up to the depth limit and refuse one level more without parsing it', () => {
    expect(parseJsonWithinLimits(nestedJson(STRUCTURED_LIMITS.maxDepth - 1))).toMatchObject({ ok: true });
    const deep = parseJsonWithinLimits(nestedJson(100_000));
    expect(deep).toMatchObject({ ok: false, breach: { limit: 'depth' } });
    expect(parseJsonWithinLimits('{"a": ')).toMatchObject({ ok: false });
    expect(parseJsonWithinLimits('{"a": ')).not.toHaveProperty('breach');
  });

  it('refuse oversized text and values with too many nodes', () => {
    const big = `"${'x'.repeat(STRUCTURED_LIMITS.maxLength)}"`;
    expect(parseJsonWithinLimits(big)).toMatchObject({ ok: false, breach: { limit: 'size' } });
    expect(valueBreach(new Array(STRUCTURED_LIMITS.maxNodes + 1).fill(0))).toMatchObject({ limit: 'nodes' });
  });

  it('bound YAML block nesting, alias expansion and resolved depth', () => {
    const block = Array.from({ length: 200 }, (_, level) => `${' '.repeat(level)}k${level}:`).join('\n');
    expect(parseYamlWithinLimits(`${block} 1\n`)).toMatchObject({ ok: false, breach: { limit: 'depth' } });
    expect(parseYamlWithinLimits(`${'- '.repeat(5000)}x\n`)).toMatchObject({
      ok: false,
      breach: { limit: 'depth' },
    });
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 12; level += 1) {
      laughs.push(
        `${'b'.repeat(level)}: &${'b'.repeat(level)} [${`*${level === 1 ? 'a' : 'b'.repeat(level - 1)}, `.repeat(10)}]`,
      );
    }
    expect(parseYamlWithinLimits(laughs.join('\n'))).toMatchObject({ ok: false, breach: expect.anything() });
    expect(parseYamlWithinLimits('a: [1, 2]\n---\nb: 3\n')).toMatchObject({
      ok: true,
      values: [{ a: [1, 2] }, { b: 3 }],
    });
    expect(parseYamlWithinLimits('a: [1, 2\n')).toMatchObject({ ok: false, syntaxError: expect.anything() });
  });
});

describe('semantic diff and analyzer on content past the limits', () => {
  const files = [
    {
      status: 'modified' as const,
      path: 'entities/deep.json',
      oldContent: nestedJson(10),
      newContent: nestedJson(5000),
    },
    { status: 'added' as const, path: 'pages/deeper.yaml', newContent: `${'['.repeat(200_000)}\n` },
  ];

  it('classify such a file as too deep to compare structurally, with its changed lines', () => {
    const diff = computeSemanticDiff({ baseSha: 'a', headSha: 'b', files });
    expect(diff.changes).toEqual([
      expect.objectContaining({
        filePath: 'entities/deep.json',
        operation: 'modified',
        lineStart: 1,
        description: expect.stringContaining('too deep/large to compare structurally'),
        details: { structuralLimit: expect.stringMatching(/nested deeper than 64 levels/) },
      }),
      expect.objectContaining({
        filePath: 'pages/deeper.yaml',
        operation: 'added',
        details: { structuralLimit: expect.stringMatching(/too deep/) },
      }),
    ]);
    const analysis = analyzeChangeset({
      changeset: { id: 'c', title: 't', description: '' },
      diff,
      files,
      gateFailures: [],
    });
    expect(analysis.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file_path: 'entities/deep.json',
          severity: 'warning',
          message: expect.stringMatching(/^Not compared structurally \(too deep\/large/),
        }),
      ]),
    );
  });

  it('compare values deeper than the limit as one modification of the deepest subtree', () => {
    const wrap = (depth: number, leaf: unknown) => {
      let value: unknown = leaf;
      for (let level = 0; level < depth; level += 1) value = { a: value };
      return value;
    };
    const differences = compareValues(wrap(10_000, 1), wrap(10_000, 2));
    expect(differences).toHaveLength(1);
    expect(differences[0]?.pointer.split('/').length).toBe(STRUCTURED_LIMITS.maxDepth + 1);
  });
});

describe('settings globs', () => {
  it('are refused when saved if too long, too wild or malformed, with the reason', () => {
    expect(globProblem('config/**/*.{json,yaml}')).toBeNull();
    expect(globProblem(`${'a'.repeat(300)}`)).toMatch(/longer than 256 characters/);
    expect(globProblem('*a*a*a*a*a*a*a')).toMatch(/more than 6 wildcards/);
    expect(globProblem('+(a|aa)+(b)')).toBeNull();
    expect(globProblem('x/(')).toMatch(/does not compile/);
  });

  it('match hostile paths in linear time, and a stored unusable glob blocks every path', () => {
    const hostileGlob = '*(a|aa)*(a|aa)*(a|aa)+(a|aa)b';
    const started = performance.now();
    expect(blockedPathMatcher([hostileGlob])('a'.repeat(4096))).toBeNull();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(blockedPathMatcher(['ok/**', '{unclosed'])('anything.json')).toBe('{unclosed');
    expect(blockedPathMatcher(['.github/**'])('.github/workflows/x.yml')).toBe('.github/**');
  });
});
