export * from './parties';
export * from './personnummer';
export * from './scopes';
