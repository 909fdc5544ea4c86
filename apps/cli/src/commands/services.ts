import { createLogger, loadConfig, runUntilSignal } from '@conman/runtime';
import { startServer } from '@conman/server';
import { startWorker } from '@conman/worker';

export interface ServiceOptions {
  port?: number;
  dataDir?: string;
}

export async function runServe(options: ServiceOptions): Promise<number> {
  const config = loadConfig(options);
  const logger = createLogger({ level: config.logLevel, service: 'conman-server' });
  const running = await startServer(config, logger);
  await runUntilSignal(logger, () => running.close());
  return 0;
}

export async function runWorker(options: ServiceOptions): Promise<number> {
  const config = loadConfig(options);
  const logger = createLogger({ level: config.logLevel, service: 'conman-worker' });
  const running = await startWorker(config, logger);
  await runUntilSignal(logger, () => running.close());
  return 0;
}
