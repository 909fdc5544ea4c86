export { startGitalyTestServer, type GitalyTestServer, type GitalyTestServerOptions } from './server';
export type { Fault, RecordedCall } from './admission';
