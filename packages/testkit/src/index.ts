export * from './database';
export * from './env';
export * from './logs';
export * from './parties';
export * from './server';
export * from './service-suite';
export * from './vault';
