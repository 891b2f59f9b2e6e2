export * from './audit';
export * from './idempotency';
export * from './outbox';
export * from './persons';
export * from './access-facts';
