import type { Analysis, AnalysisContext, App, AuditActor, Logger, Workspace } from '@conman/core';
import type {
  AppsRepository,
  AuditLog,
  ChangesetCommentsRepository,
  ChangesetReviewsRepository,
  ChangesetRevisionsRepository,
  ChangesetsRepository,
  JobStore,
  QueueCounters,
  UnitOfWork,
} from '@conman/db';
import type { GitAdapter } from '@conman/git';
import type { JobProducer } from '@conman/jobs';
import type { AnalysisRunner } from '../../ai';

/** What changesets need from workspaces (implemented by `WorkspaceService`). */
export interface ChangesetWorkspaces {
  get(appId: string, workspaceId: string): Promise<Workspace>;
  commitWorkingState(
    app: App,
    workspace: Workspace,
    message: string,
    actor: AuditActor,
  ): Promise<{ headSha: string; committed: boolean }>;
}

/** The analyze/chat engine (`createChangesetAssistant` of `api/src/ai`). */
export interface ChangesetAnalysisAssistant {
  analyze(context: AnalysisContext): Promise<Analysis & { source: 'builtin' | 'model' }>;
  chat(context: AnalysisContext, message: string): Promise<{ answer: string; source: 'builtin' | 'model' }>;
}

export interface ChangesetsModuleDependencies {
  unitOfWork: UnitOfWork;
  apps: AppsRepository;
  changesets: ChangesetsRepository;
  revisions: ChangesetRevisionsRepository;
  reviews: ChangesetReviewsRepository;
  comments: ChangesetCommentsRepository;
  queueCounters: QueueCounters;
  jobs: JobStore;
  producer: JobProducer;
  git: GitAdapter;
  audit: AuditLog;
  workspaces: ChangesetWorkspaces;
  assistant: ChangesetAnalysisAssistant;
  /** Semantic diff off the event loop, within the analysis budget (`api/src/ai/analysis-pool.ts`). */
  analysis: Pick<AnalysisRunner, 'semanticDiff'>;
  logger: Logger;
}
