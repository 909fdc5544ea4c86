import { computeSemanticDiff, type SemanticChange, type SemanticFileChange } from '@conman/core';
import { customerAfter, customerBefore, dxflowFiles, homePage } from './dxflow-fixture';

const diff = (files: SemanticFileChange[], rules = []) =>
  computeSemanticDiff({ baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40), files, rules });

/** The change fields a reviewer sees, without the hash id. */
const view = (change: SemanticChange) => {
  const { id: _id, ...rest } = change;
  return rest;
};

describe('computeSemanticDiff — DxFlow fixture', () => {
  const result = diff(dxflowFiles);

  // Same file and line: added before removed (operation order). The removal's lines and pointer are
  // those of the base version.
  it('reports every key-level change with type, operation, target, lines and details', () => {
    expect(result.changes.map(view)).toEqual([
      {
        configType: 'tenant',
        operation: 'modified',
        target: 'acme',
        description: 'Changed locale in tenant "acme"',
        filePath: 'config/tenant.yml',
        lineStart: 3,
        lineEnd: 3,
        details: { pointer: '/locale', oldValue: 'en-US', newValue: 'en-GB' },
      },
      {
        configType: 'tenant',
        operation: 'removed',
        target: 'acme',
        description: 'Removed features[1] from tenant "acme"',
        filePath: 'config/tenant.yml',
        lineStart: 6,
        lineEnd: 6,
        details: { pointer: '/features/1', oldValue: 'reports' },
      },
      {
        configType: 'tenant',
        operation: 'modified',
        target: 'acme',
        description: 'Changed limits.users in tenant "acme"',
        filePath: 'config/tenant.yml',
        lineStart: 7,
        lineEnd: 7,
        details: { pointer: '/limits/users', oldValue: 50, newValue: 100 },
      },
      {
        configType: 'tenant',
        operation: 'added',
        target: 'acme',
        description: 'Added limits.storage_gb to tenant "acme"',
        filePath: 'config/tenant.yml',
        lineStart: 8,
        lineEnd: 8,
        details: { pointer: '/limits/storage_gb', newValue: 20 },
      },
      {
        configType: 'entity',
        operation: 'modified',
        target: 'customer',
        description: 'Changed label in entity "customer"',
        filePath: 'entities/customer.json',
        lineStart: 3,
        lineEnd: 3,
        details: { pointer: '/label', oldValue: 'Customer', newValue: 'Client' },
      },
      {
        configType: 'entity',
        operation: 'added',
        target: 'customer',
        description: 'Added fields[1].required to entity "customer"',
        filePath: 'entities/customer.json',
        lineStart: 6,
        lineEnd: 6,
        details: { pointer: '/fields/1/required', newValue: true },
      },
      {
        configType: 'entity',
        operation: 'added',
        target: 'customer',
        description: 'Added fields[2] to entity "customer"',
        filePath: 'entities/customer.json',
        lineStart: 7,
        lineEnd: 7,
        details: { pointer: '/fields/2', newValue: { name: 'phone', type: 'string' } },
      },
      {
        configType: 'entity',
        operation: 'removed',
        target: 'customer',
        description: 'Removed fields[2] from entity "customer"',
        filePath: 'entities/customer.json',
        lineStart: 7,
        lineEnd: 7,
        details: { pointer: '/fields/2', oldValue: { name: 'age', type: 'number' } },
      },
      {
        configType: 'page',
        operation: 'added',
        target: 'home',
        description: 'Added page "home" (pages/home.json)',
        filePath: 'pages/home.json',
        lineStart: 1,
        lineEnd: 5,
        details: { pointer: '', newValue: { id: 'home', title: 'Home', route: '/' } },
      },
    ]);
  });

  it('summarises with every config type present, zeros included', () => {
    expect(result.baseSha).toBe('a'.repeat(40));
    expect(result.headSha).toBe('b'.repeat(40));
    expect(result.summary).toEqual({
      totalChanges: 9,
      byConfigType: {
        entity: 4,
        page: 1,
        queue: 0,
        provider: 0,
        workflow: 0,
        tenant: 4,
        menu: 0,
        asset: 0,
        script: 0,
      },
    });
  });

  it('gives deterministic, unique ids and the same output whatever the input order', () => {
    const ids = result.changes.map((change) => change.id);
    expect(new Set(ids).size).toBe(ids.length);
    ids.forEach((id) => expect(id).toMatch(/^[0-9a-f]{24}$/));
    expect(diff([...dxflowFiles].reverse())).toEqual(result);
    expect(diff(dxflowFiles)).toEqual(result);
  });

  it('round-trips through JSON unchanged (the wire format)', () => {
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('reports nothing for a file whose content did not change structurally', () => {
    const reformatted = JSON.stringify(JSON.parse(customerAfter));
    expect(
      diff([
        {
          status: 'modified',
          path: 'entities/customer.json',
          oldContent: customerAfter,
          newContent: reformatted,
        },
      ]).changes,
    ).toEqual([]);
    expect(
      diff([{ status: 'modified', path: 'pages/home.json', oldContent: homePage, newContent: homePage }])
        .changes,
    ).toEqual([]);
  });

  it('locates a removed file in the old content', () => {
    const [change] = diff([
      { status: 'removed', path: 'entities/customer.json', oldContent: customerBefore },
    ]).changes;
    expect(view(change!)).toEqual({
      configType: 'entity',
      operation: 'removed',
      target: 'customer',
      description: 'Removed entity "customer" (entities/customer.json)',
      filePath: 'entities/customer.json',
      lineStart: 1,
      lineEnd: 9,
      details: { pointer: '', oldValue: JSON.parse(customerBefore) },
    });
  });
});
