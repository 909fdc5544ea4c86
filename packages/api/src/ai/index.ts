export {
  createChangesetAssistant,
  DEFAULT_AI_TIMEOUT_MS,
  type ChangesetAssistant,
  type ChangesetAssistantOptions,
} from './assistant';
export { AnalysisPool, inlineAnalysis, type AnalysisRunner, type AnalysisPoolOptions } from './analysis-pool';
