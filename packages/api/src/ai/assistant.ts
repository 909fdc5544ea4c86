import {
  analyzeChangeset,
  changedPaths,
  compareFindings,
  answerFromAnalysis,
  redactSecretsInText,
  type Analysis,
  type AnalysisContext,
  type Finding,
  type Logger,
} from '@conman/core';
import { z } from 'zod';
import {
  chatCompletion,
  ModelCallError,
  type ChatCompletionsOptions,
  type ChatMessage,
} from './chat-completions';
import { knownSecrets, modelContext, redactQuestion } from './model-context';

export const DEFAULT_AI_TIMEOUT_MS = 10_000;

export interface ChangesetAssistant {
  analyze(context: AnalysisContext): Promise<Analysis & { source: 'builtin' | 'model' }>;
  chat(context: AnalysisContext, message: string): Promise<{ answer: string; source: 'builtin' | 'model' }>;
}

export interface ChangesetAssistantOptions {
  baseUrl?: string;
  apiKey?: string;
  model?: string;
  timeoutMs?: number;
  logger: Logger;
  /**
   * The built-in analyzer; the server passes its analysis pool (worker threads within a time and
   * memory budget). Without it the analyzer runs on the calling thread.
   */
  builtinAnalyzer?: (context: AnalysisContext) => Promise<Analysis>;
}

const analyzeInline = (context: AnalysisContext) => Promise.resolve(analyzeChangeset(context));

const ANALYZE_INSTRUCTIONS = [
  'You review configuration changesets of Conman, a Git-backed configuration manager.',
  'The user message holds the changeset, its semantic diff and the findings of a deterministic analyzer.',
  'Secret values were replaced by [REDACTED]; never guess or reconstruct them.',
  'Reply with ONLY a JSON object: {"summary": string, "findings": [{"file_path": string, "line"?: number,',
  '"severity": "info"|"warning"|"error", "message": string}]}. The summary is two or three sentences for a',
  'reviewer. Findings name concrete risks in the changed files; the analyzer findings are kept anyway.',
].join(' ');

const CHAT_INSTRUCTIONS = [
  'You answer a reviewer’s questions about one configuration changeset of Conman, a Git-backed configuration',
  'manager, using only the context given (changeset, semantic diff, analyzer findings). Be concise.',
  'Secret values were replaced by [REDACTED]; never guess or reconstruct them.',
].join(' ');

const modelAnalysisSchema = z.object({
  summary: z.string().trim().min(1).max(4000),
  findings: z
    .array(
      z.object({
        file_path: z.string().trim().min(1).max(1024),
        line: z.number().int().positive().nullish(),
        severity: z.enum(['info', 'warning', 'error']),
        message: z.string().trim().min(1).max(2000),
      }),
    )
    .max(200),
});

/**
 * SPEC §6.13: the built-in analyzer alone when no `baseUrl` is configured; otherwise an
 * OpenAI-compatible model enriches the analysis and chat, and any failure of the model (error,
 * timeout, unusable output) falls back to the built-in result with a warning log.
 */
export function createChangesetAssistant(options: ChangesetAssistantOptions): ChangesetAssistant {
  const { baseUrl, logger } = options;
  const builtinAnalysis = options.builtinAnalyzer ?? analyzeInline;
  if (!baseUrl) return builtinAssistant(builtinAnalysis);
  const model: ChatCompletionsOptions = {
    baseUrl,
    apiKey: options.apiKey,
    model: options.model ?? 'gpt-4o-mini',
    timeoutMs: options.timeoutMs ?? DEFAULT_AI_TIMEOUT_MS,
  };

  const fallback = (operation: 'analyze' | 'chat', error: unknown) => {
    const fields =
      error instanceof ModelCallError
        ? { operation, reason: error.reason, ...(error.status !== undefined ? { status: error.status } : {}) }
        : { operation, reason: 'unexpected_error' };
    logger.warn('AI model call failed; using the built-in analyzer', fields);
  };

  return {
    async analyze(context) {
      const builtin = await builtinAnalysis(context);
      try {
        const content = await chatCompletion(model, [
          { role: 'system', content: ANALYZE_INSTRUCTIONS },
          { role: 'user', content: modelContext(context, builtin, knownSecrets(context)) },
        ]);
        const parsed = modelAnalysisSchema.safeParse(parseJsonContent(content));
        if (!parsed.success) throw new ModelCallError('invalid_response');
        return { ...mergeAnalysis(context, builtin, parsed.data), source: 'model' };
      } catch (error) {
        fallback('analyze', error);
        return { ...builtin, source: 'builtin' };
      }
    },
    async chat(context, message) {
      const builtin = await builtinAnalysis(context);
      try {
        const secrets = knownSecrets(context);
        const messages: ChatMessage[] = [
          { role: 'system', content: CHAT_INSTRUCTIONS },
          { role: 'user', content: `Changeset context (JSON):\n${modelContext(context, builtin, secrets)}` },
          { role: 'user', content: redactQuestion(message, secrets) },
        ];
        return { answer: await chatCompletion(model, messages), source: 'model' };
      } catch (error) {
        fallback('chat', error);
        return { answer: answerFromAnalysis(context, builtin, message), source: 'builtin' };
      }
    },
  };
}

function builtinAssistant(analyze: (context: AnalysisContext) => Promise<Analysis>): ChangesetAssistant {
  return {
    analyze: async (context) => ({ ...(await analyze(context)), source: 'builtin' }),
    chat: async (context, message) => ({
      answer: answerFromAnalysis(context, await analyze(context), message),
      source: 'builtin',
    }),
  };
}

/** Models often wrap JSON in a Markdown fence; anything else that is not JSON is unusable output. */
function parseJsonContent(content: string): unknown {
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(content.trim());
  try {
    return JSON.parse(fenced?.[1] ?? content);
  } catch {
    throw new ModelCallError('invalid_response');
  }
}

/**
 * The model's summary, and its findings added to the built-in ones (which are never dropped: a secret
 * or a schema violation stays reported whatever the model says). Model findings about paths outside
 * the changeset are discarded; messages are redacted again in case the model echoes a value.
 */
function mergeAnalysis(
  context: AnalysisContext,
  builtin: Analysis,
  modelAnalysis: z.infer<typeof modelAnalysisSchema>,
): Analysis {
  const paths = new Set(changedPaths(context));
  const findings = [...builtin.findings];
  const seen = new Set(findings.map(findingKey));
  for (const finding of modelAnalysis.findings) {
    if (!paths.has(finding.file_path)) continue;
    const candidate: Finding = {
      file_path: finding.file_path,
      ...(finding.line != null ? { line: finding.line } : {}),
      severity: finding.severity,
      message: redactSecretsInText(finding.message),
    };
    if (seen.has(findingKey(candidate))) continue;
    seen.add(findingKey(candidate));
    findings.push(candidate);
  }
  findings.sort(compareFindings);
  return { summary: redactSecretsInText(modelAnalysis.summary), findings };
}

function findingKey(finding: Finding): string {
  return `${finding.file_path}\0${finding.line ?? ''}\0${finding.message}`;
}
