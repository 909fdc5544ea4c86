/** Semantic diff contract (docs/semantic-diff.md) (camelCase on the wire, unlike the rest of the API). */
export const SEMANTIC_CONFIG_TYPES = [
  'entity',
  'page',
  'queue',
  'provider',
  'workflow',
  'tenant',
  'menu',
  'asset',
  'script',
] as const;
export type SemanticConfigType = (typeof SEMANTIC_CONFIG_TYPES)[number];
export type SemanticOperation = 'added' | 'modified' | 'removed' | 'moved';

export interface SemanticChange {
  id: string;
  configType: SemanticConfigType;
  operation: SemanticOperation;
  target: string;
  description: string;
  filePath: string;
  lineStart?: number;
  lineEnd?: number;
  details?: Record<string, unknown>;
}

export interface SemanticDiffResponse {
  baseSha: string;
  headSha: string;
  summary: { totalChanges: number; byConfigType: Record<SemanticConfigType, number> };
  changes: SemanticChange[];
}

/** A per-app classification rule (app setting `semantic_diff_rules`), evaluated before the defaults. */
export interface SemanticDiffRule {
  glob: string;
  config_type: SemanticConfigType;
}

/** One file of a Git diff. Contents are UTF-8 text; they are omitted for binary files. */
export interface FileChange {
  status: 'added' | 'modified' | 'removed';
  path: string;
  oldContent?: string;
  newContent?: string;
}
