import type { components, operations, paths } from './generated/api';

export type { components, operations, paths };

/** Every schema of the gateway's OpenAPI document, by name: `Schema<'StatusEventInput'>`. */
export type Schemas = components['schemas'];
export type Schema<Name extends keyof Schemas> = Schemas[Name];

/** What every paged list answers with besides its items (`limit`/`page`, DIGG's pagination). */
export type PageInfo = Schemas['PageInfo'];
