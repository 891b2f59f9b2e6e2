export * from './categories';
export * from './consent';
export * from './disclosure';
export * from './follow-up';
export * from './parties';
export * from './personnummer';
export * from './scopes';
export * from './sip';
