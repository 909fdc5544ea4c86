import { MemoryLogSink, executeGate } from '@conman/jobs';
import { createGitFixture, type GitFixture } from './support/git-fixture';

let fixture: GitFixture;
beforeAll(async () => {
  fixture = await createGitFixture();
});
afterAll(() => fixture.cleanup());

async function gateOn(files: Record<string, string>) {
  const commitSha = await fixture.commit(files);
  const log = new MemoryLogSink();
  const result = await executeGate({
    git: fixture.git,
    repoPath: fixture.repoPath,
    context: { jobId: 'job-1', appId: 'app-1', gate: 'submit', commitSha },
    scopeEnv: {},
    sandbox: { kind: 'none' },
    timeoutMs: 10_000,
    log,
  });
  return { result, log };
}

const SCHEMA = JSON.stringify({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['port'],
  properties: { port: { type: 'integer', minimum: 1 }, host: { type: 'string', format: 'hostname' } },
});

describe('built-in checks', () => {
  it('pass a clean commit with no command configured', async () => {
    const { result } = await gateOn({ 'a.json': '{"x": 1}', 'b/c.yaml': 'k: v\n', 'README.md': '{not json' });
    expect(result.outcome).toBe('passed');
    expect(result.checks).toMatchObject({ passed: true, filesParsed: 2, failures: [] });
    expect(result.command).toBeNull();
  });

  it('name a broken JSON file with its line', async () => {
    const { result, log } = await gateOn({ 'ok.json': '{}', 'conf/broken.json': '{\n  "a": 1,\n}\n' });
    expect(result.outcome).toBe('failed');
    expect(result.checks.failures).toEqual([
      expect.objectContaining({
        check: 'parse',
        file: 'conf/broken.json',
        line: 3,
        message: expect.any(String),
      }),
    ]);
    expect(log.lines.some((line) => line.message.includes('conf/broken.json'))).toBe(true);
  });

  it('name a broken YAML file with its line', async () => {
    const { result } = await gateOn({ 'x.yml': 'a: 1\nb: [1, 2\nc: 3\n' });
    expect(result.checks.failures[0]).toMatchObject({
      check: 'parse',
      file: 'x.yml',
      line: expect.any(Number),
    });
  });

  it('report schema violations with the instance path and message', async () => {
    const { result } = await gateOn({
      '.conman/schemas.json': JSON.stringify([
        { glob: 'services/**/*.yaml', schema: 'schemas/service.json' },
      ]),
      'schemas/service.json': SCHEMA,
      'services/api/prod.yaml': 'port: "eighty"\nhost: "not a host!"\n',
      'services/api/dev.yaml': 'port: 8080\n',
      'other/free.yaml': 'anything: goes\n',
    });
    expect(result.outcome).toBe('failed');
    expect(result.checks.filesValidated).toBe(2);
    expect(result.checks.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'schema',
          file: 'services/api/prod.yaml',
          schema: 'schemas/service.json',
          instancePath: '/port',
          message: 'must be integer',
        }),
        expect.objectContaining({
          file: 'services/api/prod.yaml',
          instancePath: '/host',
          message: expect.stringContaining('hostname'),
        }),
      ]),
    );
    expect(result.checks.failures.every((failure) => failure.file === 'services/api/prod.yaml')).toBe(true);
  });

  it('report a broken schemas.json itself', async () => {
    const shapeless = await gateOn({ '.conman/schemas.json': '{"glob": "x"}' });
    expect(shapeless.result.checks.failures).toEqual([
      expect.objectContaining({ check: 'schemas_config', file: '.conman/schemas.json' }),
    ]);
    const missingSchema = await gateOn({
      '.conman/schemas.json': '[{"glob": "*.json", "schema": "../etc/passwd"}]',
    });
    expect(missingSchema.result.checks.failures[0]).toMatchObject({
      check: 'schemas_config',
      message: expect.stringContaining('not a file of this commit'),
    });
    const unparsable = await gateOn({ '.conman/schemas.json': '[{"glob": ' });
    expect(unparsable.result.checks.failures[0]).toMatchObject({
      check: 'parse',
      file: '.conman/schemas.json',
    });
  });

  it('report an invalid schema once', async () => {
    const { result } = await gateOn({
      '.conman/schemas.json': '[{"glob": "data/*.json", "schema": "bad-schema.json"}]',
      'bad-schema.json': '{"type": 12}',
      'data/a.json': '{}',
      'data/b.json': '{}',
    });
    expect(result.checks.failures).toEqual([
      expect.objectContaining({
        check: 'schema',
        file: 'bad-schema.json',
        message: expect.stringContaining('invalid schema'),
      }),
    ]);
  });

  it('match schema patterns in linear time and refuse patterns only a backtracking engine runs', async () => {
    const started = performance.now();
    const { result } = await gateOn({
      '.conman/schemas.json': '[{"glob": "data/*.json", "schema": "nested.json"}]',
      'nested.json': JSON.stringify({ properties: { name: { type: 'string', pattern: '^(a+)+$' } } }),
      'data/a.json': JSON.stringify({ name: `${'a'.repeat(50_000)}!` }),
    });
    // A backtracking engine needs longer than the universe's age for this input.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.checks.failures).toEqual([
      expect.objectContaining({ check: 'schema', file: 'data/a.json', instancePath: '/name' }),
    ]);
    const lookahead = await gateOn({
      '.conman/schemas.json': '[{"glob": "data/*.json", "schema": "nested.json"}]',
      'data/a.json': '{"name": "a"}',
      'nested.json': JSON.stringify({ properties: { name: { type: 'string', pattern: '^(?=a)a' } } }),
    });
    expect(lookahead.result.checks.failures).toEqual([
      expect.objectContaining({
        check: 'schema',
        file: 'nested.json',
        message: expect.stringContaining('invalid schema'),
      }),
    ]);
  });

  it('report files past the nesting limit and schemas.json globs too complex to match', async () => {
    const { result } = await gateOn({
      'nested.json': '{}',
      'deep.json': `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      'deep.yaml': `${'- '.repeat(5_000)}x\n`,
      '.conman/schemas.json':
        '[{"glob": "*(a|aa)*(a|aa)*(a|aa)*(a|aa)*(a|aa)*(a|aa)*(a|aa)", "schema": "nested.json"}]',
    });
    expect(result.checks.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'parse',
          file: 'deep.json',
          message: expect.stringMatching(/too deep/),
        }),
        expect.objectContaining({
          check: 'parse',
          file: 'deep.yaml',
          message: expect.stringMatching(/too deep/),
        }),
        expect.objectContaining({
          check: 'schemas_config',
          message: expect.stringMatching(/more than 6 wildcards/),
        }),
      ]),
    );
  });
});
