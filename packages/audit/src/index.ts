export * from './leaf';
export * from './seal';
export * from './verify';
