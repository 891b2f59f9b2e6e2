export * from './assertion';
export * from './token-provider';
