export * from './passwords';
export * from './jwt';
export * from './opaque-tokens';
export * from './sessions';
export * from './role-resolver';
export * from './rate-limiter';
export * from './access';
export * from './bootstrap-admin';
