export type { Analysis, AnalysisContext, Finding } from './types';
export { analyzeChangeset } from './analyze';
export { answerFromAnalysis, changedPaths } from './answer';
export { compareFindings, LARGE_DELETION_LINES, scanSecrets } from './findings';
export {
  detectSecret,
  isHighEntropyToken,
  isSecretKeyName,
  maskSecret,
  redactSecretsInText,
  redactSecretValues,
  SECRET_PLACEHOLDER,
  type SecretKind,
} from './secrets';
