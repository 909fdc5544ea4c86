export * from './adapter';
export * from './errors';
export { LocalGitAdapter, type LocalGitAdapterOptions } from './local/local-adapter';
export { refNameProblem } from './local/validation';
export { createGitAdapter, createGitAdapterForConfig, type GitAdapterFactoryConfig } from './factory';
export * from './gitaly';
