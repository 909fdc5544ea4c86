export type CheckKind = 'parse' | 'schema' | 'schemas_config';

/** One problem found by a built-in check, precise enough for an author to fix it. */
export interface CheckFailure {
  check: CheckKind;
  /** Repository-relative path of the offending file. */
  file: string;
  line?: number;
  column?: number;
  /** JSON pointer inside the document (schema violations). */
  instancePath?: string;
  /** Repository-relative path of the schema that was violated. */
  schema?: string;
  message: string;
}

export interface ChecksResult {
  passed: boolean;
  filesParsed: number;
  filesValidated: number;
  failures: CheckFailure[];
  /** More failures were found than are reported. */
  truncated: boolean;
}
