import { createLogger, loadConfig } from '@conman/runtime';
import { ensureAllIndexes, runBootstrapAdmin } from '@conman/server';
import { reconcileJobsOnce } from '@conman/worker';
import { UsageError } from '../args';
import type { ServiceOptions } from './services';

export interface BootstrapAdminOptions extends ServiceOptions {
  email?: string;
  name?: string;
  password?: string;
}

export async function runBootstrapAdminCommand(options: BootstrapAdminOptions): Promise<number> {
  const { email, name, password } = options;
  if (!email || !name || !password)
    throw new UsageError('bootstrap-admin needs --email, --name and --password');
  const config = loadConfig(options);
  const logger = createLogger({ level: 'warn', service: 'conman-cli' });
  const outcome = await runBootstrapAdmin(config, logger, { email, name, password });
  process.stdout.write(`${outcome.created ? 'Created' : 'Reset'} platform admin ${outcome.email}\n`);
  return 0;
}

export async function runEnsureIndexes(options: ServiceOptions): Promise<number> {
  const count = await ensureAllIndexes(loadConfig(options));
  process.stdout.write(`Ensured ${count} indexes\n`);
  return 0;
}

export async function runReconcileJobs(options: ServiceOptions): Promise<number> {
  const config = loadConfig(options);
  const report = await reconcileJobsOnce(config, createLogger({ level: 'warn', service: 'conman-cli' }));
  process.stdout.write(
    `Reconciled jobs: ${report.requeued} requeued, ${report.failedWorkerLost} failed (worker_lost), ${report.reenqueued} re-enqueued\n`,
  );
  return 0;
}
