import type { Caller } from '@samsyn/auth';
import type { Logger } from 'pino';

/** What middleware puts on the Hono context for handlers. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    caller: Caller;
  };
}
