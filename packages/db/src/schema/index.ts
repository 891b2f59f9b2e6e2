export * from './audit-log';
export * from './citizen-issuers';
export * from './consents';
export * from './idempotency';
export * from './parties';
export * from './persons';
export * from './status-events';
