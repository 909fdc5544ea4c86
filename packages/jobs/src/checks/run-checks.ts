import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobLogSink } from '../log-sink';
import { documentFormatOf, parseDocument } from './parse-documents';
import { SCHEMAS_CONFIG_PATH, SchemaValidators, readSchemaRules, violationsOf } from './schemas';
import type { CheckFailure, ChecksResult } from './types';
import { listRegularFiles } from './walk';

const MAX_REPORTED_FAILURES = 200;

/**
 * The built-in checks of every gate (docs/jobs.md "Gates"), on a materialized commit: every JSON/YAML file
 * parses, and files matched by `.conman/schemas.json` validate against their schema.
 */
export async function runBuiltInChecks(root: string, log: JobLogSink): Promise<ChecksResult> {
  const files = await listRegularFiles(root);
  const parsed = new Map<string, unknown[]>();
  const failures: CheckFailure[] = [];
  for (const file of files) {
    const format = documentFormatOf(file);
    if (!format) continue;
    const outcome = parseDocument(file, format, await readFile(path.join(root, file), 'utf8'));
    if (outcome.ok) parsed.set(file, outcome.documents);
    else failures.push(outcome.failure);
  }
  const filesValidated = validateAgainstSchemas(new Set(files), parsed, failures);
  for (const failure of failures.slice(0, MAX_REPORTED_FAILURES)) {
    log.append('error', `${failure.check} check failed: ${failure.file}: ${failure.message}`, { ...failure });
  }
  log.append('info', 'built-in checks finished', { files_parsed: parsed.size, failures: failures.length });
  return {
    passed: failures.length === 0,
    filesParsed: parsed.size,
    filesValidated,
    failures: failures.slice(0, MAX_REPORTED_FAILURES),
    truncated: failures.length > MAX_REPORTED_FAILURES,
  };
}

function validateAgainstSchemas(
  files: ReadonlySet<string>,
  parsed: ReadonlyMap<string, unknown[]>,
  failures: CheckFailure[],
): number {
  if (!files.has(SCHEMAS_CONFIG_PATH)) return 0;
  const config = parsed.get(SCHEMAS_CONFIG_PATH);
  // An unparsable schemas.json already has its parse failure.
  if (!config) return 0;
  const rules = readSchemaRules(config[0], files);
  if (!rules.ok) {
    failures.push(...rules.failures);
    return 0;
  }
  const validators = new SchemaValidators();
  // A broken schema is reported once, not once per file it should have checked.
  const brokenSchemas = new Set<string>();
  const reportBrokenSchema = (schema: string, failure: CheckFailure) => {
    if (brokenSchemas.has(schema)) return;
    brokenSchemas.add(schema);
    failures.push(failure);
  };
  let validated = 0;
  for (const [file, documents] of parsed) {
    for (const rule of rules.rules) {
      if (!rule.matches(file)) continue;
      const schemaDocuments = parsed.get(rule.schema);
      if (!schemaDocuments) {
        reportBrokenSchema(rule.schema, {
          check: 'schemas_config',
          file: SCHEMAS_CONFIG_PATH,
          message: `schema "${rule.schema}" is not a parsable JSON/YAML file`,
        });
        continue;
      }
      const validate = validators.compile(rule.schema, schemaDocuments[0]);
      if (typeof validate !== 'function') {
        reportBrokenSchema(rule.schema, validate);
        continue;
      }
      validated += 1;
      for (const document of documents) {
        if (!validate(document)) failures.push(...violationsOf(file, rule.schema, validate.errors ?? []));
      }
    }
  }
  return validated;
}
