export * from './passwords';
export * from './jwt';
export * from './opaque-tokens';
