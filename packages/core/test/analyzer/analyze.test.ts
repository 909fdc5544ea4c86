import { analyzeChangeset, LARGE_DELETION_LINES, type SemanticFileChange } from '@conman/core';
import { dxflowFiles } from '../semantic-diff/dxflow-fixture';
import { contextFor } from './context';

const secretPassword = 'hunter2-Very-Secret';
const awsKey = 'AKIAIOSFODNN7EXAMPLQ';
const randomToken = 'x9Kq2LmP7vRt4ZwB8nYc3HdF6sJg1Qa';

describe('analyzeChangeset', () => {
  it('reports removed keys, type changes and a summary with counts per config type (DxFlow fixture)', () => {
    const analysis = analyzeChangeset(contextFor(dxflowFiles));
    expect(analysis).toEqual({
      summary:
        '9 semantic changes in 3 files (4 entity, 1 page, 4 tenant); findings: 0 errors, 2 warnings, 0 info.',
      findings: [
        {
          file_path: 'config/tenant.yml',
          severity: 'warning',
          message: 'Key removed: features[1] from tenant "acme" (line 6 of the base version)',
        },
        {
          file_path: 'entities/customer.json',
          severity: 'warning',
          message: 'Key removed: fields[2] from entity "customer" (line 7 of the base version)',
        },
      ],
    });
  });

  it('warns about type changes but not about values becoming or leaving null', () => {
    const analysis = analyzeChangeset(
      contextFor([
        {
          status: 'modified',
          path: 'queues/mail.json',
          oldContent: '{\n  "retries": 3,\n  "dlq": null,\n  "tags": ["a"]\n}',
          newContent: '{\n  "retries": "3",\n  "dlq": "dead",\n  "tags": {"a": 1}\n}',
        },
      ]),
    );
    expect(analysis.findings).toEqual([
      {
        file_path: 'queues/mail.json',
        line: 2,
        severity: 'warning',
        message: 'Type changed from number to string: retries in queue "mail"',
      },
      {
        file_path: 'queues/mail.json',
        line: 4,
        severity: 'warning',
        message: 'Type changed from array to object: tags in queue "mail"',
      },
    ]);
  });

  it('flags secret-looking values that the changeset adds, masked, with their line', () => {
    const before = '{\n  "name": "stripe"\n}';
    const after = JSON.stringify(
      {
        name: 'stripe',
        db: { password: secretPassword, password_min_length: 12, token_ttl: '3600' },
        apiKey: '${STRIPE_API_KEY}',
        access: awsKey,
        signing: randomToken,
        commit: 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00',
        handler: 'CustomerAddressProviderHandler2024',
      },
      null,
      2,
    );
    const analysis = analyzeChangeset(
      contextFor([
        { status: 'modified', path: 'providers/stripe.json', oldContent: before, newContent: after },
      ]),
    );
    const errors = analysis.findings.filter((finding) => finding.severity === 'error');
    expect(errors.map((finding) => [finding.line, finding.message])).toEqual([
      [
        4,
        'Possible plaintext secret (value of a secret-named key) at db.password: hu****** (19 characters). Keep secrets in runtime profile secrets, not in the repository',
      ],
      [
        9,
        'Possible plaintext secret (AWS access key id) at access: AK****** (20 characters). Keep secrets in runtime profile secrets, not in the repository',
      ],
      [
        10,
        'Possible plaintext secret (high-entropy string) at signing: x9****** (31 characters). Keep secrets in runtime profile secrets, not in the repository',
      ],
    ]);
    const text = JSON.stringify(analysis);
    for (const secret of [secretPassword, awsKey, randomToken]) expect(text).not.toContain(secret);
  });

  it('flags secrets in whole added files and in added lines of text files, never removed ones', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx\n-----END RSA PRIVATE KEY-----\n';
    const files: SemanticFileChange[] = [
      {
        status: 'added',
        path: 'tenants/acme.yml',
        newContent: `name: acme\nsmtp:\n  password: ${secretPassword}\n`,
      },
      { status: 'added', path: 'assets/key.pem', newContent: pem },
      {
        status: 'modified',
        path: 'scripts/deploy.sh',
        oldContent: 'export OLD_TOKEN=abc123oldvalue\n',
        newContent: `echo start\nexport API_TOKEN="${secretPassword}"\nexport DB_PASSWORD=$DB_PASSWORD\n`,
      },
      { status: 'removed', path: 'tenants/old.yml', oldContent: `password: ${secretPassword}\n` },
    ];
    const analysis = analyzeChangeset(contextFor(files));
    expect(
      analysis.findings.filter((f) => f.severity === 'error').map((f) => [f.file_path, f.line, f.message]),
    ).toEqual([
      [
        'assets/key.pem',
        1,
        'Possible plaintext secret (PEM private key) at line 1: a PEM private key block. Keep secrets in runtime profile secrets, not in the repository',
      ],
      [
        'scripts/deploy.sh',
        2,
        'Possible plaintext secret (value of a secret-named key) at line 2: hu****** (19 characters). Keep secrets in runtime profile secrets, not in the repository',
      ],
      [
        'tenants/acme.yml',
        3,
        'Possible plaintext secret (value of a secret-named key) at smtp.password: hu****** (19 characters). Keep secrets in runtime profile secrets, not in the repository',
      ],
    ]);
    expect(JSON.stringify(analysis)).not.toContain(secretPassword);
  });

  it('reports gate schema violations as errors with path and line', () => {
    const analysis = analyzeChangeset(
      contextFor(dxflowFiles, [
        { path: 'pages/home.json', line: 3, message: 'title must be at most 2 characters' },
        {
          path: 'entities/customer.json',
          message: `field "token" has a plaintext value: ghp_${'a1B2'.repeat(9)}`,
        },
      ]),
    );
    const errors = analysis.findings.filter((finding) => finding.severity === 'error');
    expect(errors).toEqual([
      {
        file_path: 'entities/customer.json',
        severity: 'error',
        message: 'Schema violation: field "token" has a plaintext value: [REDACTED]',
      },
      {
        file_path: 'pages/home.json',
        line: 3,
        severity: 'error',
        message: 'Schema violation: title must be at most 2 characters',
      },
    ]);
    expect(analysis.summary).toMatch(/findings: 2 errors, 2 warnings, 0 info\.$/);
  });

  it('warns about very large deletions, in modified and in removed files', () => {
    const lines = (count: number, prefix: string) =>
      Array.from({ length: count }, (_, index) => `${prefix}${index}`).join('\n') + '\n';
    const analysis = analyzeChangeset(
      contextFor([
        {
          status: 'modified',
          path: 'scripts/big.sh',
          oldContent: lines(400, 'a'),
          newContent: lines(199, 'a'),
        },
        {
          status: 'modified',
          path: 'scripts/half.sh',
          oldContent: lines(30, 'b'),
          newContent: lines(10, 'b'),
        },
        {
          status: 'modified',
          path: 'scripts/small.sh',
          oldContent: lines(10, 'c'),
          newContent: lines(2, 'c'),
        },
        { status: 'removed', path: 'assets/huge.txt', oldContent: lines(LARGE_DELETION_LINES, 'd') },
      ]),
    );
    expect(analysis.findings.map((finding) => [finding.file_path, finding.message])).toEqual([
      ['assets/huge.txt', 'File removed: asset "huge" (200 lines) — a very large deletion'],
      ['scripts/big.sh', 'Very large deletion: 201 of 400 lines removed'],
      ['scripts/half.sh', 'Very large deletion: 20 of 30 lines removed'],
    ]);
  });

  it('notes moves and unparseable files', () => {
    const analysis = analyzeChangeset(
      contextFor([
        { status: 'removed', path: 'pages/a.json', oldContent: '{"id": "a"}' },
        { status: 'added', path: 'pages/b.json', newContent: '{"id": "a"}' },
        { status: 'modified', path: 'pages/c.json', oldContent: '{}', newContent: '{' },
      ]),
    );
    expect(analysis.findings).toEqual([
      { file_path: 'pages/b.json', severity: 'info', message: 'Moved from pages/a.json (content unchanged)' },
      {
        file_path: 'pages/c.json',
        line: 1,
        severity: 'warning',
        message: expect.stringMatching(
          /^Could not be parsed \(new version: invalid JSON: .*\); it was compared as a whole file$/,
        ),
      },
    ]);
  });

  it('is deterministic and reports no changes plainly', () => {
    const context = contextFor(dxflowFiles);
    expect(analyzeChangeset(context)).toEqual(analyzeChangeset(context));
    expect(analyzeChangeset(contextFor([])).summary).toBe(
      'No semantic changes; findings: 0 errors, 0 warnings, 0 info.',
    );
  });
});
