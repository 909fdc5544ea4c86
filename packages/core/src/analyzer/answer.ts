import { SEMANTIC_CONFIG_TYPES, type SemanticChange, type SemanticConfigType } from '../semantic-diff';
import { SCHEMA_FINDING_PREFIX, SECRET_FINDING_PREFIX, SEVERITY_RANK } from './findings';
import { plural } from './summary';
import type { Analysis, AnalysisContext, Finding } from './types';

const LIST_LIMIT = 15;

const SECRET_QUESTION =
  /\b(secrets?|passwords?|credentials?|tokens?|api[ _-]?keys?|private[ _-]?keys?|leak\w*)\b/;
const RISK_QUESTION =
  /\b(risk\w*|danger\w*|safe\w*|problems?|issues?|warnings?|errors?|concerns?|findings?|break\w*|wrong|review|schema|violations?)\b/;
const COUNT_QUESTION = /\b(how many|count|number of|total)\b/;
const FILES_QUESTION = /\b(files?|paths?|touch\w*|what changed|which)\b/;
const TYPE_WORDS: Record<SemanticConfigType, RegExp> = Object.fromEntries(
  SEMANTIC_CONFIG_TYPES.map((type) => [
    type,
    new RegExp(`\\b${type === 'entity' ? 'entit(y|ies)' : `${type}s?`}\\b`),
  ]),
) as Record<SemanticConfigType, RegExp>;

/**
 * Built-in chat (docs/semantic-diff.md), deterministic. It answers, in this order of precedence: about a file
 * the question names (full path, or a file name unique in the changeset); about secrets; about
 * risks/findings; counts (optionally of one config type); the changes of a config type; the list of
 * changed files; otherwise it gives the summary and says what it can answer.
 */
export function answerFromAnalysis(context: AnalysisContext, analysis: Analysis, question: string): string {
  const text = question.toLowerCase();
  const file = mentionedFile(context, text);
  if (file) return fileAnswer(context, analysis, file);
  if (SECRET_QUESTION.test(text)) return secretsAnswer(analysis);
  if (RISK_QUESTION.test(text)) return risksAnswer(analysis);
  const type = SEMANTIC_CONFIG_TYPES.find((candidate) => TYPE_WORDS[candidate].test(text));
  if (COUNT_QUESTION.test(text)) return countAnswer(context, analysis, type);
  if (type) return typeAnswer(context, type);
  if (FILES_QUESTION.test(text)) return filesAnswer(context);
  return `${analysis.summary} Ask me about a file path, risks, secrets, counts, or a config type (entity, page, tenant, ...).`;
}

/** Every path the changeset touches (moves' sources included) or its gate reported, sorted. */
export function changedPaths(context: AnalysisContext): string[] {
  const paths = new Set<string>();
  for (const change of context.diff.changes) {
    paths.add(change.filePath);
    if (typeof change.details?.from === 'string') paths.add(change.details.from);
  }
  for (const file of context.files) paths.add(file.path);
  for (const failure of context.gateFailures) paths.add(failure.path);
  return [...paths].sort();
}

/** The longest full path in the question, else a file name that only one changed path has. */
function mentionedFile(context: AnalysisContext, text: string): string | undefined {
  const paths = changedPaths(context);
  const byPath = paths
    .filter((path) => text.includes(path.toLowerCase()))
    .sort((a, b) => b.length - a.length);
  if (byPath[0]) return byPath[0];
  const byName = paths.filter((path) => {
    const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
    return new RegExp(`(^|[^\\w./-])${escapeRegExp(name)}($|[^\\w/-])`).test(text);
  });
  return byName.length === 1 ? byName[0] : undefined;
}

function fileAnswer(context: AnalysisContext, analysis: Analysis, path: string): string {
  const changes = context.diff.changes.filter(
    (change) => change.filePath === path || change.details?.from === path,
  );
  const findings = analysis.findings.filter((finding) => finding.file_path === path);
  const first = changes[0];
  const heading = first
    ? `${path} (${first.configType} "${first.target}"): ${plural(changes.length, 'change')}.`
    : `${path}: no semantic changes.`;
  const lines = [heading, ...list(changes.map(describeChange))];
  lines.push(findings.length === 0 ? 'No findings for this file.' : `Findings: ${findings.length}.`);
  lines.push(...list(findings.map(describeFinding)));
  return lines.join('\n');
}

function secretsAnswer(analysis: Analysis): string {
  const secrets = analysis.findings.filter((finding) => finding.message.startsWith(SECRET_FINDING_PREFIX));
  if (secrets.length === 0)
    return 'No secret-looking plaintext values were found in what this changeset adds.';
  return [
    `${plural(secrets.length, 'secret-looking value')} found (values masked):`,
    ...list(secrets.map(describeFinding)),
  ].join('\n');
}

function risksAnswer(analysis: Analysis): string {
  if (analysis.findings.length === 0) return `No findings. ${analysis.summary}`;
  const ordered = [...analysis.findings].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  );
  const schema = ordered.filter((finding) => finding.message.startsWith(SCHEMA_FINDING_PREFIX)).length;
  const head = `${analysis.summary}${schema > 0 ? ` ${plural(schema, 'schema violation')} reported by the gates.` : ''}`;
  return [head, ...list(ordered.map(describeFinding))].join('\n');
}

function countAnswer(
  context: AnalysisContext,
  analysis: Analysis,
  type: SemanticConfigType | undefined,
): string {
  const { totalChanges, byConfigType } = context.diff.summary;
  if (type) {
    const files = new Set(context.diff.changes.filter((c) => c.configType === type).map((c) => c.filePath))
      .size;
    return `${plural(byConfigType[type], `${type} change`)} in ${plural(files, 'file')} (of ${totalChanges} in total).`;
  }
  const files = new Set(context.diff.changes.map((change) => change.filePath)).size;
  const types = SEMANTIC_CONFIG_TYPES.map((candidate) => `${candidate} ${byConfigType[candidate]}`).join(
    ', ',
  );
  return `${plural(totalChanges, 'change')} in ${plural(files, 'file')} (${types}); ${plural(analysis.findings.length, 'finding')}.`;
}

function typeAnswer(context: AnalysisContext, type: SemanticConfigType): string {
  const changes = context.diff.changes.filter((change) => change.configType === type);
  if (changes.length === 0) return `No ${type} changes in this changeset.`;
  return [`${plural(changes.length, `${type} change`)}:`, ...list(changes.map(describeChange))].join('\n');
}

function filesAnswer(context: AnalysisContext): string {
  const counts = new Map<string, { type: string; count: number }>();
  for (const change of context.diff.changes) {
    const entry = counts.get(change.filePath) ?? { type: change.configType, count: 0 };
    entry.count += 1;
    counts.set(change.filePath, entry);
  }
  if (counts.size === 0) return 'No files changed semantically.';
  return [
    `${plural(counts.size, 'file')} changed:`,
    ...list([...counts].map(([path, entry]) => `${path} (${entry.type}, ${plural(entry.count, 'change')})`)),
  ].join('\n');
}

function describeChange(change: SemanticChange): string {
  const lines =
    change.lineStart === undefined
      ? ''
      : change.lineEnd !== undefined && change.lineEnd !== change.lineStart
        ? ` (lines ${change.lineStart}-${change.lineEnd})`
        : ` (line ${change.lineStart})`;
  return `${change.description}${lines}`;
}

function describeFinding(finding: Finding): string {
  const line = finding.line !== undefined ? `:${finding.line}` : '';
  return `[${finding.severity}] ${finding.file_path}${line} — ${finding.message}`;
}

function list(items: string[]): string[] {
  const shown = items.slice(0, LIST_LIMIT).map((item) => `- ${item}`);
  if (items.length > LIST_LIMIT) shown.push(`- ... and ${items.length - LIST_LIMIT} more`);
  return shown;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
