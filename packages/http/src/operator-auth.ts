import type { MiddlewareHandler } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './env';
import { problemResponse } from './problems';

export interface OperatorCredentials {
  user: string;
  password: string;
}

const realm = 'Samsyn operators';

/**
 * HTTP Basic authentication for operators' pages (the queue dashboard). Agencies never reach these:
 * they hold bearer tokens, not this password. Both name and password are compared in constant time
 * (hono hashes both sides before comparing). A refusal is the usual 401 problem, with the
 * `WWW-Authenticate` challenge that makes a browser ask for the password.
 */
export function operatorAuth(credentials: OperatorCredentials): MiddlewareHandler<AppEnv> {
  const check = basicAuth({ username: credentials.user, password: credentials.password, realm });
  return async (c, next) => {
    try {
      return await check(c, next);
    } catch (error) {
      if (!(error instanceof HTTPException) || error.status !== 401) throw error;
      return problemResponse(c, 'unauthenticated', 'operator credentials are required', {
        headers: { 'www-authenticate': `Basic realm="${realm}", charset="UTF-8"` },
      });
    }
  };
}
