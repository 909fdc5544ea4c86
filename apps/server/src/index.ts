export { startServer, type RunningServer } from './server';
export { ensureAllIndexes, runBootstrapAdmin } from './maintenance';
