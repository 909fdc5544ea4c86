import { startTestServices, TEST_ENV, type TestServices } from './services';

declare global {
  var conmanTestServices: TestServices | undefined;
}

export default async function globalSetup(): Promise<void> {
  const services = await startTestServices();
  globalThis.conmanTestServices = services;
  process.env[TEST_ENV.mongoUri] = services.mongo.uri;
  process.env[TEST_ENV.redisUrl] = services.redisUrl;
  process.env[TEST_ENV.dataDir] = services.dataDir;
  process.stdout.write(
    `\n[test services] MongoDB: ${services.mongo.description} | Redis: ${
      process.env.CONMAN_TEST_REDIS_URL ? 'external' : 'redis-server child'
    } at ${services.redisUrl} | data: ${services.dataDir}\n`,
  );
}
