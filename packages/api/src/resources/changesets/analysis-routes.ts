import { z } from 'zod';
import type { AnalysisContext, App, Changeset } from '@conman/core';
import { ok } from '../../platform/replies';
import { dataResponse, defineRoute } from '../../platform/route';
import { changesetItem } from './access';
import type { ChangesetsModuleDependencies } from './dependencies';
import { revisionFor, semanticDiffOf } from './diff';
import { changesetParams } from './schemas';
import { multiLineText } from '../../platform/common-schemas';

const findingSchema = z.object({
  file_path: z.string(),
  line: z.number().int().optional(),
  severity: z.enum(['info', 'warning', 'error']),
  message: z.string(),
});

export const analysisSchema = z
  .object({
    summary: z.string(),
    findings: z.array(findingSchema),
    source: z.enum(['builtin', 'model']).meta({ description: 'Built-in analyzer, or the configured model' }),
    revision: z.number().int(),
  })
  .meta({ id: 'ChangesetAnalysis' });

export const chatAnswerSchema = z
  .object({ answer: z.string(), source: z.enum(['builtin', 'model']), revision: z.number().int() })
  .meta({ id: 'ChangesetChatAnswer' });

/** Failures the submit gate's built-in checks reported for the revision (none while it has not run). */
async function gateFailuresOf(
  deps: ChangesetsModuleDependencies,
  gateJobId: string | null,
): Promise<AnalysisContext['gateFailures']> {
  const job = gateJobId ? await deps.jobs.get(gateJobId) : null;
  const checks = (job?.result as { checks?: { failures?: unknown } } | null)?.checks;
  if (!Array.isArray(checks?.failures)) return [];
  return checks.failures.flatMap((failure: unknown) => {
    const entry = failure as { file?: unknown; line?: unknown; message?: unknown };
    if (typeof entry.file !== 'string' || typeof entry.message !== 'string') return [];
    return [
      {
        path: entry.file,
        message: entry.message,
        ...(typeof entry.line === 'number' && { line: entry.line }),
      },
    ];
  });
}

/** What the analyzer and the chat see: the current revision's semantic diff, files and gate failures. */
async function analysisContext(
  deps: ChangesetsModuleDependencies,
  app: App,
  changeset: Changeset,
): Promise<{ context: AnalysisContext; revision: number }> {
  const revision = await revisionFor(deps, changeset);
  const { diff, files } = await semanticDiffOf(deps, app, revision);
  return {
    revision: revision.number,
    context: {
      changeset: { id: changeset.id, title: changeset.title, description: changeset.description },
      diff,
      files,
      gateFailures: await gateFailuresOf(deps, revision.gateJobId),
    },
  };
}

/** POST …/analyze and …/chat (SPEC §6.13): read-only, so not audited. */
export function analysisRoutes(deps: ChangesetsModuleDependencies) {
  return [
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/analyze',
      operationId: 'analyzeChangeset',
      access: { kind: 'app', capability: 'read_app', item: changesetItem(deps) },
      summary: 'Summary and findings for the current revision (built-in analyzer, model when configured)',
      request: { params: changesetParams },
      responses: { 200: dataResponse(analysisSchema, 'The analysis') },
      errors: ['unauthorized', 'not_found', 'conflict', 'payload_too_large'],
      handler: async ({ app, item: changeset }) => {
        const { context, revision } = await analysisContext(deps, app, changeset);
        const analysis = await deps.assistant.analyze(context);
        return ok({
          summary: analysis.summary,
          findings: analysis.findings,
          source: analysis.source,
          revision,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/apps/:appId/changesets/:changesetId/chat',
      operationId: 'chatAboutChangeset',
      access: { kind: 'app', capability: 'read_app', item: changesetItem(deps) },
      summary: 'Ask a question about the current revision',
      request: {
        params: changesetParams,
        body: z.strictObject({ message: multiLineText(4000) }),
      },
      responses: { 200: dataResponse(chatAnswerSchema, 'The answer') },
      errors: ['unauthorized', 'not_found', 'conflict', 'payload_too_large'],
      handler: async ({ body, app, item: changeset }) => {
        const { context, revision } = await analysisContext(deps, app, changeset);
        const reply = await deps.assistant.chat(context, body.message);
        return ok({ answer: reply.answer, source: reply.source, revision });
      },
    }),
  ];
}
