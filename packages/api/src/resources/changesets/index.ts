import type { ApiModule } from '../../platform/route';
import { analysisRoutes } from './analysis-routes';
import { commentRoutes } from './comment-routes';
import type { ChangesetsModuleDependencies } from './dependencies';
import { diffRoutes } from './diff-routes';
import { lifecycleRoutes } from './lifecycle-routes';
import { queueRoute } from './queue-route';
import { reviewRoutes } from './review-routes';

export type {
  ChangesetAnalysisAssistant,
  ChangesetsModuleDependencies,
  ChangesetWorkspaces,
} from './dependencies';
export { changesetHeadMovedListener } from './head-moved';

/** Changesets, review, comments and diffs (SPEC §6.3, §6.4 queue entry, §11). */
export function changesetsModule(deps: ChangesetsModuleDependencies): ApiModule {
  return {
    name: 'changesets',
    description: 'Reviewable proposals of workspace edits',
    routes: [
      ...lifecycleRoutes(deps),
      ...reviewRoutes(deps),
      queueRoute(deps),
      ...commentRoutes(deps),
      ...diffRoutes(deps),
      ...analysisRoutes(deps),
    ],
  };
}
