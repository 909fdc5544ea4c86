import { computeSemanticDiff, type SemanticFileChange } from '@conman/core';

const diff = (files: SemanticFileChange[]) =>
  computeSemanticDiff({ baseSha: 'base', headSha: 'head', files }).changes;
const modified = (path: string, oldContent: string, newContent: string) =>
  diff([{ status: 'modified', path, oldContent, newContent }]);
const brief = (files: SemanticFileChange[]) =>
  diff(files).map((change) => ({
    operation: change.operation,
    pointer: change.details?.pointer,
    lines: [change.lineStart, change.lineEnd],
  }));

describe('JSON specifics (positions come from YAML flow parsing)', () => {
  it('escapes keys holding "/" and "~" in the pointer and decodes \\u escapes', () => {
    const before = '{\n  "a/b": 1,\n  "t~x": 1,\n  "\\u0041": 1\n}\n';
    const after = '{\n  "a/b": 2,\n  "t~x": 2,\n  "\\u0041": 2\n}\n';
    expect(
      brief([{ status: 'modified', path: 'entities/e.json', oldContent: before, newContent: after }]),
    ).toEqual([
      { operation: 'modified', pointer: '/a~1b', lines: [2, 2] },
      { operation: 'modified', pointer: '/t~0x', lines: [3, 3] },
      { operation: 'modified', pointer: '/A', lines: [4, 4] },
    ]);
  });

  it('reads tab-indented JSON and the \\/ escape', () => {
    const before = '{\n\t"url": "http:\\/\\/a",\n\t"n": 1\n}';
    const after = '{\n\t"url": "http:\\/\\/b",\n\t"n": 1\n}';
    const [change] = modified('entities/e.json', before, after);
    expect(change).toMatchObject({
      lineStart: 2,
      lineEnd: 2,
      details: { pointer: '/url', oldValue: 'http://a', newValue: 'http://b' },
    });
  });

  it('follows JSON.parse for duplicate keys (the last one wins, and its line is reported)', () => {
    const [change] = modified('entities/e.json', '{"a": 1}', '{\n  "a": 1,\n  "a": 3\n}');
    expect(change).toMatchObject({ lineStart: 3, details: { pointer: '/a', oldValue: 1, newValue: 3 } });
  });

  it('treats YAML-only syntax in a .json file as a parse error', () => {
    const changes = modified('entities/e.json', '{"a": 1}', '{"a": 2, // comment\n}');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ operation: 'modified', lineStart: 1, lineEnd: 2 });
    expect(String(changes[0]!.details?.parseError)).toMatch(/^new version: invalid JSON/);
  });

  it('spans multi-line values from their key to the end of the value', () => {
    const after = '{\n  "a": {\n    "b": 1\n  }\n}';
    expect(
      brief([{ status: 'modified', path: 'pages/p.json', oldContent: '{}', newContent: after }]),
    ).toEqual([{ operation: 'added', pointer: '/a', lines: [2, 4] }]);
  });
});

describe('YAML specifics', () => {
  it('locates block values, nested keys and sequence items', () => {
    const before = 'name: flow\nsteps:\n  - id: a\n    run: x\n  - id: b\n    run: y\n';
    const after = 'name: flow\nsteps:\n  - id: a\n    run: x\n  - id: b\n    run: z\n    retry: 3\n';
    expect(
      brief([{ status: 'modified', path: 'workflows/f.yaml', oldContent: before, newContent: after }]),
    ).toEqual([
      { operation: 'modified', pointer: '/steps/1/run', lines: [6, 6] },
      { operation: 'added', pointer: '/steps/1/retry', lines: [7, 7] },
    ]);
  });

  it('resolves anchors and aliases, locating changes below an alias at the alias', () => {
    const before = 'base: &b\n  size: 1\nuse: *b\n';
    const after = 'base: &b\n  size: 2\nuse: *b\n';
    expect(
      brief([{ status: 'modified', path: 'queues/q.yml', oldContent: before, newContent: after }]),
    ).toEqual([
      { operation: 'modified', pointer: '/base/size', lines: [2, 2] },
      { operation: 'modified', pointer: '/use/size', lines: [3, 3] },
    ]);
  });

  it('reports a key with an empty value on its own line', () => {
    expect(
      brief([{ status: 'modified', path: 'menus/m.yml', oldContent: 'a: 1\n', newContent: 'a: 1\nb:\n' }]),
    ).toEqual([{ operation: 'added', pointer: '/b', lines: [2, 2] }]);
  });

  it('treats a multi-document file and invalid YAML as a parse error (one per-file change)', () => {
    const [multi] = modified('providers/p.yml', 'a: 1\n', 'a: 1\n---\nb: 2\n');
    expect(multi).toMatchObject({ operation: 'modified', lineStart: 2, lineEnd: 3 });
    expect(multi!.details?.parseError).toMatch(/^new version: invalid YAML/);
    const [broken] = modified('providers/p.yml', 'a: [1\n', 'a: 1\n');
    expect(broken!.details?.parseError).toMatch(/^base version: invalid YAML/);
    expect(broken!.description).toBe('Modified provider "p" (providers/p.yml) — could not be parsed');
  });
});

describe('comparison rules', () => {
  it('reports a changed type (object to scalar) as one modification of the key', () => {
    expect(modified('entities/e.json', '{"a": {"b": 1}}', '{"a": "text"}').map((c) => c.details)).toEqual([
      { pointer: '/a', oldValue: { b: 1 }, newValue: 'text' },
    ]);
  });

  it('compares arrays of scalars by index', () => {
    expect(modified('entities/e.json', '{"l": [1, 2, 3]}', '{"l": [1, 5]}').map((c) => c.details)).toEqual([
      { pointer: '/l/1', oldValue: 2, newValue: 5 },
      { pointer: '/l/2', oldValue: 3 },
    ]);
  });

  it('matches object arrays by id, reporting insertions once and reorders as one change', () => {
    const before = {
      items: [
        { id: 'a', v: 1 },
        { id: 'b', v: 2 },
      ],
    };
    const inserted = {
      items: [
        { id: 'x', v: 0 },
        { id: 'a', v: 1 },
        { id: 'b', v: 3 },
      ],
    };
    expect(
      modified('menus/main.json', JSON.stringify(before), JSON.stringify(inserted)).map((c) => [
        c.operation,
        c.details,
      ]),
    ).toEqual([
      ['added', { pointer: '/items/0', newValue: { id: 'x', v: 0 } }],
      ['modified', { pointer: '/items/2/v', oldValue: 2, newValue: 3 }],
    ]);
    const reordered = {
      items: [
        { id: 'b', v: 2 },
        { id: 'a', v: 1 },
      ],
    };
    const [change] = modified('menus/main.json', JSON.stringify(before), JSON.stringify(reordered));
    expect(change).toMatchObject({
      operation: 'modified',
      description: 'Reordered items in menu "main"',
      details: { pointer: '/items', oldValue: ['a', 'b'], newValue: ['b', 'a'], reordered: true },
    });
  });

  it('falls back to index comparison when identities are missing or duplicated', () => {
    const before = { l: [{ id: 1 }, { id: 1 }] };
    const after = { l: [{ id: 1 }, { id: 2 }] };
    expect(
      modified('entities/e.json', JSON.stringify(before), JSON.stringify(after)).map((c) => c.details),
    ).toEqual([{ pointer: '/l/1/id', oldValue: 1, newValue: 2 }]);
  });

  it('uses the root name, then id, then the file stem as target', () => {
    const target = (content: string) =>
      diff([{ status: 'added', path: 'entities/thing.v2.json', newContent: content }])[0]!.target;
    expect(target('{"name": "N", "id": "I"}')).toBe('N');
    expect(target('{"id": 7}')).toBe('7');
    expect(target('[1]')).toBe('thing.v2');
  });
});

describe('per-file changes', () => {
  it('pairs a removal with an identical addition elsewhere into one move', () => {
    const content = 'name: billing\n';
    const changes = diff([
      { status: 'removed', path: 'queues/old.yml', oldContent: content },
      { status: 'added', path: 'queues/billing.yml', newContent: content },
      { status: 'added', path: 'queues/other.yml', newContent: 'name: other\n' },
    ]);
    expect(changes.map((c) => [c.operation, c.filePath, c.target, c.details])).toEqual([
      ['moved', 'queues/billing.yml', 'billing', { from: 'queues/old.yml', to: 'queues/billing.yml' }],
      ['added', 'queues/other.yml', 'other', { pointer: '', newValue: { name: 'other' } }],
    ]);
    expect(changes[0]).toMatchObject({
      lineStart: 1,
      lineEnd: 1,
      description: 'Moved queue "billing" from queues/old.yml to queues/billing.yml',
    });
  });

  it('does not treat different contents as a move', () => {
    const changes = diff([
      { status: 'removed', path: 'scripts/a.sh', oldContent: 'echo a\n' },
      { status: 'added', path: 'scripts/b.sh', newContent: 'echo b\n' },
    ]);
    expect(changes.map((c) => c.operation)).toEqual(['removed', 'added']);
  });

  it('reports scripts and assets per file with the changed line block', () => {
    const [change] = modified('scripts/deploy.sh', 'a\nb\nc\nd\n', 'a\nB\nC\nd\n');
    expect(change).toMatchObject({
      configType: 'script',
      operation: 'modified',
      target: 'deploy',
      lineStart: 2,
      lineEnd: 3,
      description: 'Modified script "deploy" (scripts/deploy.sh)',
    });
    expect(change!.details).toBeUndefined();
    const [asset] = modified('assets/data.json', '{"a": 1}', '{"a": 2}');
    expect(asset).toMatchObject({ configType: 'asset', operation: 'modified', lineStart: 1, lineEnd: 1 });
  });

  it('reports binary files (contents omitted) without lines', () => {
    const changes = diff([
      { status: 'added', path: 'assets/logo.png' },
      { status: 'modified', path: 'assets/icon.png' },
    ]);
    expect(changes.map((c) => [c.filePath, c.operation, c.lineStart, c.details])).toEqual([
      ['assets/icon.png', 'modified', undefined, { binary: true }],
      ['assets/logo.png', 'added', undefined, { binary: true }],
    ]);
  });

  it('reports an unparseable added file per file with the parse error', () => {
    const [change] = diff([{ status: 'added', path: 'pages/bad.json', newContent: '{\n"a":\n' }]);
    expect(change).toMatchObject({ operation: 'added', target: 'bad', lineStart: 1, lineEnd: 2 });
    expect(change!.details?.parseError).toMatch(/^invalid JSON/);
  });

  it('omits lines for an empty added file', () => {
    const [change] = diff([{ status: 'added', path: 'pages/empty.yml', newContent: '' }]);
    expect(change).toMatchObject({ operation: 'added', details: { pointer: '', newValue: null } });
    expect(change!.lineStart).toBeUndefined();
  });
});
