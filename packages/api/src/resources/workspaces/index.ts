import type { ApiModule } from '../../platform/route';
import type { WorkspacesModuleDependencies } from './context';
import { fileRoutes } from './files';
import { treeRoutes } from './tree';
import { workspaceRoutes } from './workspaces';

export type { WorkspacesModuleDependencies } from './context';
export {
  WorkspaceService,
  type WorkspaceListeners,
  type WorkspaceActor,
  type WorkspaceServiceDependencies,
} from './service';
export { NO_DEPLOYMENTS, type CanonicalReleaseSource } from './baseline';

/** Workspaces (docs/workspaces.md): records, files and tree of the working state. */
export function workspacesModule(deps: WorkspacesModuleDependencies): ApiModule {
  return {
    name: 'workspaces',
    description: 'Personal branches for editing, with an autosaved working state',
    routes: [...workspaceRoutes(deps), ...fileRoutes(deps), ...treeRoutes(deps)],
  };
}
