export * from './access';
export * from './audit';
export * from './engine';
export * from './person';
export * from './sweep';
