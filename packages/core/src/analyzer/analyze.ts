import { collectFindings } from './findings';
import { summarize } from './summary';
import type { Analysis, AnalysisContext } from './types';

/** Built-in analyzer: deterministic, no external service (rules in docs/semantic-diff.md). */
export function analyzeChangeset(context: AnalysisContext): Analysis {
  const findings = collectFindings(context);
  return { summary: summarize(context, findings), findings };
}
