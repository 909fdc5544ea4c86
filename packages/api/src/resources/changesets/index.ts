import type { ApiModule } from '../../platform/route';
import { analysisRoutes } from './analysis-routes';
import { commentRoutes } from './comment-routes';
import type { ChangesetsModuleDependencies } from './dependencies';
import { diffRoutes } from './diff-routes';
import { lifecycleRoutes } from './lifecycle-routes';
import { queueRoute } from './queue-route';
import { reviewRoutes } from './review-routes';
import type { ChangesetService } from './service';

export type {
  ChangesetAnalysisAssistant,
  ChangesetsModuleDependencies,
  ChangesetWorkspaces,
} from './dependencies';
export { changesetWorkspaceListeners } from './head-moved';
export { ChangesetService } from './service';

/** Changesets, review, comments and diffs (docs/changesets.md). */
export function changesetsModule(deps: ChangesetsModuleDependencies, service: ChangesetService): ApiModule {
  return {
    name: 'changesets',
    description: 'Reviewable proposals of workspace edits',
    routes: [
      ...lifecycleRoutes(deps, service),
      ...reviewRoutes(deps, service),
      queueRoute(deps, service),
      ...commentRoutes(deps),
      ...diffRoutes(deps),
      ...analysisRoutes(deps),
    ],
  };
}
