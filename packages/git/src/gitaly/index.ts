export { GitalyAdapter } from './gitaly-adapter';
export { GitUnsupportedError } from './errors';
export type {
  GitalyAdapterConfig,
  GitalyAuth,
  GitalyRetryPolicy,
  GitalyServiceUser,
  GitalyTimeouts,
} from './config';
