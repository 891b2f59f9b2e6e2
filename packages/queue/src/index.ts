export * from './connection';
export * from './queues';
export * from './telemetry';
export * from './webhook';
