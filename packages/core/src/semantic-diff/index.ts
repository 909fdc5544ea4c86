export * from './types';
export { computeSemanticDiff, type SemanticDiffInput } from './compute';
export { classifyPath, DEFAULT_SEMANTIC_DIFF_RULES } from './classify';
export {
  globComplexityProblem,
  globToRegExp,
  matchesGlob,
  MAX_GLOB_LENGTH,
  MAX_GLOB_WILDCARDS,
} from './glob';
export { isPlainObject } from './compare';
export { splitLines, deletedLineCount, addedLines } from './text';
export { pointerLocator } from './structured';
export { childPointer, pointerSegments } from './pointer';
