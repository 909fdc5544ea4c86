export * from './audit-log';
export * from './ref-moves';
