export * from './connection';
export * from './queues';
export * from './webhook';
