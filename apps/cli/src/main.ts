#!/usr/bin/env node
import { optionalPort, optionalString, parseArgs, UsageError } from './args';
import { runBootstrapAdminCommand, runEnsureIndexes, runReconcileJobs } from './commands/maintenance';
import { runServe, runWorker } from './commands/services';
import { runUp } from './commands/up';

const USAGE = `Usage: conman <command> [options]

Commands:
  up       [--port N] [--data-dir D]   embedded MongoDB, Redis and Git storage + server + worker (foreground)
  serve    [--port N] [--data-dir D]   the HTTP API process
  worker   [--data-dir D]              the job-consumer process
  bootstrap-admin --email E --name N --password P [--data-dir D]
                                       create a platform admin, or reset an existing account into one
  ensure-indexes  [--data-dir D]       create every MongoDB index (idempotent)
  reconcile-jobs  [--data-dir D]       requeue jobs of lost workers, re-enqueue jobs Redis lost
  help                                 this text

Configuration comes from CONMAN_* environment variables and .env (see .env.example).`;

const OPTIONS = {
  port: 'value',
  'data-dir': 'value',
  email: 'value',
  name: 'value',
  password: 'value',
} as const;

async function main(argv: string[]): Promise<number> {
  const { command, options } = parseArgs(argv, OPTIONS);
  const common = { port: optionalPort(options.port), dataDir: optionalString(options['data-dir']) };
  switch (command) {
    case 'up':
      return runUp(common);
    case 'serve':
      return runServe(common);
    case 'worker':
      return runWorker(common);
    case 'bootstrap-admin':
      return runBootstrapAdminCommand({
        ...common,
        email: optionalString(options.email),
        name: optionalString(options.name),
        password: optionalString(options.password),
      });
    case 'ensure-indexes':
      return runEnsureIndexes(common);
    case 'reconcile-jobs':
      return runReconcileJobs(common);
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`conman: ${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`conman: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
