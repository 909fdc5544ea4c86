export * from './transport';
export * from './smtp-transport';
export * from './file-transport';
export * from './outbox-drainer';
export * from './create-mail-transport';
