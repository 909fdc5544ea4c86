export * from './errors';
export * from './logger';
export * from './request-context';
export * from './uuid';
export * from './config';
export * from './redact';
export * from './git-types';
