export type { Analysis, AnalysisContext, Finding } from './types';
export { analyzeChangeset } from './analyze';
export { answerFromAnalysis } from './answer';
export {
  compareFindings,
  LARGE_DELETION_LINES,
  LARGE_DELETION_MIN_FILE_LINES,
  LARGE_DELETION_SHARE,
  SCHEMA_FINDING_PREFIX,
  SECRET_FINDING_PREFIX,
  scanSecrets,
  type SecretOccurrence,
} from './findings';
export {
  detectSecret,
  findSecretInLine,
  isHighEntropyToken,
  isSecretKeyName,
  isSecretReference,
  maskSecret,
  redactSecretsInText,
  redactSecretValues,
  SECRET_PLACEHOLDER,
  type SecretKind,
} from './secrets';
