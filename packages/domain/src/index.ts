export * from './categories';
export * from './consent';
export * from './parties';
export * from './personnummer';
export * from './scopes';
export * from './sip';
