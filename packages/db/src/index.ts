export * from './connection';
export * from './indexes';
export * from './transactions';
