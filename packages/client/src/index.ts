export * from './assertion';
export * from './client';
export * from './paginate';
export * from './problem';
export * from './token-provider';
export * from './types';
export * from './webhook-store';
export * from './webhooks';
