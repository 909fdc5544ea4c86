import {
  redactSecretsInText,
  redactSecretValues,
  scanSecrets,
  SECRET_PLACEHOLDER,
  type Analysis,
  type AnalysisContext,
  type SemanticChange,
} from '@conman/core';

/** Changes beyond this are summarized by count only, keeping prompts bounded. */
const MODEL_CONTEXT_MAX_CHANGES = 200;

/**
 * What the model sees: the changeset's title and description, the semantic diff (values included,
 * secrets replaced by `[REDACTED]` with the analyzer's detector) and the built-in analysis. File
 * contents are never sent. Every secret value the analyzer found in the changeset is also scrubbed
 * wherever else it appears, and a final text pass redacts anything secret-looking left in the JSON.
 */
export function modelContext(context: AnalysisContext, builtin: Analysis, secrets: string[]): string {
  const changes = context.diff.changes.slice(0, MODEL_CONTEXT_MAX_CHANGES).map(redactChange);
  const payload = {
    changeset: {
      title: redactSecretsInText(context.changeset.title),
      description: redactSecretsInText(context.changeset.description),
    },
    semantic_diff: {
      base_sha: context.diff.baseSha,
      head_sha: context.diff.headSha,
      summary: context.diff.summary,
      changes,
      omitted_changes: Math.max(0, context.diff.changes.length - changes.length),
    },
    builtin_analysis: builtin,
  };
  return redactSecretsInText(JSON.stringify(scrubStrings(payload, secrets)));
}

/** The reviewer's question, without secret-looking words or any of the changeset's `secrets`. */
export function redactQuestion(question: string, secrets: string[]): string {
  return redactSecretsInText(scrub(question, secrets));
}

/**
 * Every secret value the analyzer finds in the changeset, to scrub from what the model sees; longest
 * first, so a secret containing another is replaced whole. Very short values are too common to scrub.
 */
export function knownSecrets(context: AnalysisContext): string[] {
  const values = new Set(scanSecrets(context).map((secret) => secret.value.trim()));
  return [...values].filter((value) => value.length >= 4).sort((a, b) => b.length - a.length);
}

function scrub(text: string, secrets: string[]): string {
  return secrets.reduce((output, secret) => output.split(secret).join(SECRET_PLACEHOLDER), text);
}

function scrubStrings(value: unknown, secrets: string[]): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (Array.isArray(value)) return value.map((item) => scrubStrings(item, secrets));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubStrings(item, secrets)]));
  }
  return value;
}

function redactChange(change: SemanticChange): Record<string, unknown> {
  const details = change.details ?? {};
  const valueKey = typeof details.pointer === 'string' ? lastKey(details.pointer) : undefined;
  const redactedDetails = Object.fromEntries(
    Object.entries(details).map(([key, value]) => [
      key,
      key === 'oldValue' || key === 'newValue'
        ? redactSecretValues(value, valueKey)
        : redactSecretValues(value, key),
    ]),
  );
  return {
    config_type: change.configType,
    operation: change.operation,
    target: redactSecretsInText(change.target),
    description: redactSecretsInText(change.description),
    file_path: change.filePath,
    ...(change.lineStart !== undefined ? { line_start: change.lineStart, line_end: change.lineEnd } : {}),
    ...(change.details ? { details: redactedDetails } : {}),
  };
}

/** The key holding the value at a JSON pointer: its last segment that is not an array index. */
function lastKey(pointer: string): string | undefined {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  return segments.reverse().find((segment) => !/^\d+$/.test(segment));
}
