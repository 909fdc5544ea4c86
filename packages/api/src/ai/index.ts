export {
  createChangesetAssistant,
  DEFAULT_AI_TIMEOUT_MS,
  type ChangesetAssistant,
  type ChangesetAssistantOptions,
} from './assistant';
