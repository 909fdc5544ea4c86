// Loaded from source by jest (moduleNameMapper) and tsc (paths); it has no build of its own, and only the
// root package depends on it, so turbo never orders a package's build after it (no cycle with db & co).
export { testMongoUri, testRedisUrl } from './env';
export { openTestDatabase, type OpenTestDatabaseOptions, type TestDatabase } from './mongo';
export { startPrivateRedis, type PrivateRedis } from './redis';
export { waitFor } from './wait';
