export * from './changesets';
export * from './revisions';
export * from './reviews';
export * from './comments';
export * from './queue-counters';
