export * from './errors';
export * from './dependency-errors';
export * from './logger';
export * from './request-context';
export * from './uuid';
export * from './config';
export * from './redact';
export * from './git-types';
export * from './permissions';
export * from './password-policy';
export * from './jobs';
export * from './identity';
export * from './app-settings';
export * from './audit';
export * from './changesets';
export * from './review';
export * from './paths';
export * from './workspaces';
// `FileChange` is taken by git-types (commit building); the semantic-diff input is re-exported under its own name.
export {
  SEMANTIC_CONFIG_TYPES,
  computeSemanticDiff,
  classifyPath,
  DEFAULT_SEMANTIC_DIFF_RULES,
  globComplexityProblem,
  globToRegExp,
  matchesGlob,
  MAX_GLOB_LENGTH,
  MAX_GLOB_WILDCARDS,
  type SemanticConfigType,
  type SemanticOperation,
  type SemanticChange,
  type SemanticDiffResponse,
  type SemanticDiffRule,
  type SemanticDiffInput,
  type FileChange as SemanticFileChange,
} from './semantic-diff';
export * from './analyzer';
export * from './text-safety';
export * from './git-reserved-names';
export * from './structured-limits';
export * from './linear-regexp';
