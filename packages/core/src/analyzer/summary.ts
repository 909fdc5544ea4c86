import { SEMANTIC_CONFIG_TYPES } from '../semantic-diff';
import type { AnalysisContext, Finding } from './types';

export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** One deterministic sentence: change count, files, counts per config type, findings by severity. */
export function summarize(context: AnalysisContext, findings: Finding[]): string {
  const { totalChanges, byConfigType } = context.diff.summary;
  const files = new Set(context.diff.changes.map((change) => change.filePath)).size;
  const types = SEMANTIC_CONFIG_TYPES.filter((type) => byConfigType[type] > 0)
    .map((type) => `${byConfigType[type]} ${type}`)
    .join(', ');
  const changes =
    totalChanges === 0
      ? 'No semantic changes'
      : `${plural(totalChanges, 'semantic change')} in ${plural(files, 'file')} (${types})`;
  const count = (severity: Finding['severity']) =>
    findings.filter((finding) => finding.severity === severity).length;
  const severities = `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info`;
  return `${changes}; findings: ${severities}.`;
}
