export * from './catalogue';
export * from './coverage';
export * from './facts';
export * from './rules';
