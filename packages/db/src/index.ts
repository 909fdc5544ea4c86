export * from './connection';
export * from './indexes';
export * from './transactions';
export * from './identity';
export * from './audit';
export * from './mail';
export * from './all-indexes';
export * from './jobs';
