import { analyzeChangeset, answerFromAnalysis } from '@conman/core';
import { dxflowFiles } from '../semantic-diff/dxflow-fixture';
import { contextFor } from './context';

const secret = 'hunter2-Very-Secret';
const context = contextFor([
  ...dxflowFiles,
  { status: 'added', path: 'providers/smtp.yml', newContent: `name: smtp\npassword: ${secret}\n` },
]);
const analysis = analyzeChangeset(context);
const ask = (question: string) => answerFromAnalysis(context, analysis, question);

describe('answerFromAnalysis (built-in chat)', () => {
  it('answers about a file named by its full path, with its changes and findings', () => {
    expect(ask('What changed in entities/customer.json?')).toBe(
      [
        'entities/customer.json (entity "customer"): 4 changes.',
        '- Changed label in entity "customer" (line 3)',
        '- Added fields[1].required to entity "customer" (line 6)',
        '- Added fields[2] to entity "customer" (line 7)',
        '- Removed fields[2] from entity "customer" (line 7)',
        'Findings: 1.',
        '- [warning] entities/customer.json — Key removed: fields[2] from entity "customer" (line 7 of the base version)',
      ].join('\n'),
    );
  });

  it('recognises a file by its unique file name', () => {
    expect(ask('is tenant.yml ok?')).toMatch(/^config\/tenant\.yml \(tenant "acme"\): 4 changes\./);
    expect(ask('tell me about home.json')).toBe(
      [
        'pages/home.json (page "home"): 1 change.',
        '- Added page "home" (pages/home.json) (lines 1-5)',
        'No findings for this file.',
      ].join('\n'),
    );
  });

  it('answers about secrets without revealing them', () => {
    const answer = ask('Does this leak any passwords?');
    expect(answer).toBe(
      [
        '1 secret-looking value found (values masked):',
        '- [error] providers/smtp.yml:2 — Possible plaintext secret (value of a secret-named key) at password: hu****** (19 characters). Keep secrets in runtime profile secrets, not in the repository',
      ].join('\n'),
    );
    expect(answer).not.toContain(secret);
    const clean = contextFor(dxflowFiles);
    expect(answerFromAnalysis(clean, analyzeChangeset(clean), 'any secrets?')).toBe(
      'No secret-looking plaintext values were found in what this changeset adds.',
    );
  });

  it('answers about risks with findings ordered by severity', () => {
    const lines = ask('Is it risky to merge?').split('\n');
    expect(lines[0]).toBe(analysis.summary);
    expect(lines.slice(1).map((line) => line.slice(0, 12))).toEqual([
      '- [error] pr',
      '- [warning] ',
      '- [warning] ',
    ]);
  });

  it('answers counts, overall and per config type', () => {
    expect(ask('How many changes are there?')).toBe(
      '10 changes in 4 files (entity 4, page 1, queue 0, provider 1, workflow 0, tenant 4, menu 0, asset 0, script 0); 3 findings.',
    );
    expect(ask('how many entities changed')).toBe('4 entity changes in 1 file (of 10 in total).');
  });

  it('lists the changes of a config type and the changed files', () => {
    expect(ask('show the tenant edits')).toMatch(
      /^4 tenant changes:\n- Changed locale in tenant "acme" \(line 3\)/,
    );
    expect(ask('any workflows?')).toBe('No workflow changes in this changeset.');
    expect(ask('Which files?')).toBe(
      [
        '4 files changed:',
        '- config/tenant.yml (tenant, 4 changes)',
        '- entities/customer.json (entity, 4 changes)',
        '- pages/home.json (page, 1 change)',
        '- providers/smtp.yml (provider, 1 change)',
      ].join('\n'),
    );
  });

  it('falls back to the summary and its scope for other questions', () => {
    expect(ask('hello there')).toBe(
      `${analysis.summary} Ask me about a file path, risks, secrets, counts, or a config type (entity, page, tenant, ...).`,
    );
  });
});
