export * from './citizen-issuers';
export * from './parties';
