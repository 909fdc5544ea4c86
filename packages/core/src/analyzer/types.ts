import type { FileChange, SemanticDiffResponse } from '../semantic-diff';

/** Analyzer finding (docs/semantic-diff.md; snake_case: it is part of the analyze response). */
export interface Finding {
  file_path: string;
  line?: number;
  severity: 'info' | 'warning' | 'error';
  message: string;
}

export interface Analysis {
  summary: string;
  findings: Finding[];
}

export interface AnalysisContext {
  changeset: { id: string; title: string; description: string };
  diff: SemanticDiffResponse;
  files: FileChange[];
  gateFailures: { path: string; line?: number; message: string }[];
}
