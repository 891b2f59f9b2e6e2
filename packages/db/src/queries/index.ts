export * from './audit';
export * from './consents';
export * from './idempotency';
export * from './persons';
