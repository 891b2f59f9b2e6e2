export * from './access-facts';
export * from './audit';
export * from './follow-up-facts';
export * from './idempotency';
export * from './outbox';
export * from './persons';
