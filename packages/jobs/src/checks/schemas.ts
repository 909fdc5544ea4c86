import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import type { RegExpEngine } from 'ajv/dist/types';
import addFormats from 'ajv-formats';
import { LinearRegExp, globProblem, matchesGlob } from '@conman/core';
import type { CheckFailure } from './types';

export const SCHEMAS_CONFIG_PATH = '.conman/schemas.json';

export interface SchemaRule {
  glob: string;
  schema: string;
  matches(file: string): boolean;
}

export type SchemaRulesOutcome = { ok: true; rules: SchemaRule[] } | { ok: false; failures: CheckFailure[] };

function configFailure(message: string): CheckFailure {
  return { check: 'schemas_config', file: SCHEMAS_CONFIG_PATH, message };
}

/** Schema paths are repository-relative and must name a file of the commit (no `..`, no absolute). */
function normalizeSchemaPath(value: string): string | undefined {
  const trimmed = value.replace(/^\.\//, '');
  if (trimmed === '' || trimmed.startsWith('/') || trimmed.split('/').includes('..')) return undefined;
  return trimmed;
}

/** Reads the parsed `.conman/schemas.json`: `[{ "glob": "...", "schema": "path/to/schema.json" }]`. */
export function readSchemaRules(config: unknown, repositoryFiles: ReadonlySet<string>): SchemaRulesOutcome {
  if (!Array.isArray(config))
    return { ok: false, failures: [configFailure('must be an array of { glob, schema }')] };
  const rules: SchemaRule[] = [];
  const failures: CheckFailure[] = [];
  config.forEach((entry: unknown, index) => {
    const glob = (entry as { glob?: unknown } | null)?.glob;
    const schema = (entry as { schema?: unknown } | null)?.schema;
    if (typeof glob !== 'string' || glob === '' || typeof schema !== 'string') {
      failures.push(configFailure(`entry ${index} must have string "glob" and "schema"`));
      return;
    }
    // The same linear-time glob dialect as the app settings (docs/semantic-diff.md).
    const problem = globProblem(glob);
    if (problem) {
      failures.push(configFailure(`entry ${index}: glob "${glob.slice(0, 300)}" ${problem}`));
      return;
    }
    const schemaPath = normalizeSchemaPath(schema);
    if (schemaPath === undefined || !repositoryFiles.has(schemaPath)) {
      failures.push(configFailure(`entry ${index}: schema file "${schema}" is not a file of this commit`));
      return;
    }
    rules.push({ glob, schema: schemaPath, matches: (file) => matchesGlob(file, glob) });
  });
  return failures.length > 0 ? { ok: false, failures } : { ok: true, rules };
}

/**
 * `pattern` and `patternProperties` come from the repository and run on its files: ajv evaluates them
 * with the linear-time engine, so no schema can make a gate backtrack for minutes (and block every
 * other job of the worker). A pattern RE2 cannot express (lookaround, backreferences) makes the schema
 * invalid, which the gate reports.
 */
const linearRegExp: RegExpEngine = Object.assign((pattern: string) => new LinearRegExp(pattern), {
  // Only used by ajv's standalone code generation, which the gate does not use.
  code: 'require("@conman/core").LinearRegExp',
});

/** Compiles each referenced schema once per gate run with ajv (JSON Schema draft 2020-12). */
export class SchemaValidators {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false, code: { regExp: linearRegExp } });
  private readonly compiled = new Map<string, ValidateFunction | CheckFailure>();

  constructor() {
    addFormats(this.ajv);
  }

  compile(schemaPath: string, schema: unknown): ValidateFunction | CheckFailure {
    const known = this.compiled.get(schemaPath);
    if (known) return known;
    let outcome: ValidateFunction | CheckFailure;
    try {
      outcome = this.ajv.compile(schema as object);
    } catch (error) {
      outcome = {
        check: 'schema',
        file: schemaPath,
        schema: schemaPath,
        message: `invalid schema: ${(error as Error).message}`,
      };
    }
    this.compiled.set(schemaPath, outcome);
    return outcome;
  }
}

export function violationsOf(file: string, schema: string, errors: ErrorObject[]): CheckFailure[] {
  return errors.map((error) => ({
    check: 'schema' as const,
    file,
    schema,
    instancePath: error.instancePath === '' ? '/' : error.instancePath,
    message: error.message ?? error.keyword,
  }));
}
