export * from './client';
export * from './migrate';
export * from './queries';
export * from './schema';
