import {
  type AccessTokenVerifier,
  AuthError,
  isUnavailable,
  type ReplayGuard,
  verifyDpopProof,
} from '@samsyn/auth';
import type { Scope } from '@samsyn/domain';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env';
import { problemResponse } from './problems';
import type { CallerRateLimiter } from './rate-limit';

export interface AuthenticateOptions {
  verifier: AccessTokenVerifier;
  replay: ReplayGuard;
  /** The externally visible origin, for checking a DPoP proof's `htu`. */
  publicUrl: string;
  /** Per-caller request budget; absent in tools that build apps without serving them. */
  rateLimiter?: CallerRateLimiter;
}

const authorizationPattern = /^(Bearer|DPoP) ([A-Za-z0-9\-_.~+/]+=*)$/;

function unauthenticated(c: Parameters<MiddlewareHandler>[0], detail: string, scheme = 'Bearer'): Response {
  return problemResponse(c, 'unauthenticated', detail, {
    headers: { 'www-authenticate': `${scheme} error="invalid_token", error_description="${detail}"` },
  });
}

/**
 * Resolves the caller from `Authorization` for every protected route. Tokens bound to a key (DPoP)
 * must come with a fresh proof for this exact request.
 */
export function authenticate(options: AuthenticateOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) {
      return problemResponse(c, 'unauthenticated', 'send Authorization: Bearer <access token>', {
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    const match = authorizationPattern.exec(header);
    if (!match) return unauthenticated(c, 'the Authorization header is not a bearer token');
    const [, scheme, token] = match as unknown as [string, 'Bearer' | 'DPoP', string];
    try {
      const caller = await options.verifier.verify(token);
      if (caller.boundKeyThumbprint) {
        if (scheme !== 'DPoP') throw new AuthError('dpop_required', 'this token must be sent as DPoP');
        const thumbprint = await verifyDpopProof({
          proof: c.req.header('dpop'),
          method: c.req.method,
          url: new URL(c.req.path, options.publicUrl).href,
          accessToken: token,
          replay: options.replay,
        });
        if (thumbprint !== caller.boundKeyThumbprint) {
          throw new AuthError('dpop_invalid', 'the DPoP proof is signed by another key');
        }
      }
      c.set('caller', caller);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      c.get('logger').info({ reason: error.failure }, 'access token refused');
      if (isUnavailable(error)) return problemResponse(c, 'service-unavailable', error.message);
      return unauthenticated(c, error.message, scheme);
    }
    await next();
  };
}

/** Route-level: the token must carry `scope`. */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = c.get('caller');
    if (!caller.scopes.includes(scope)) {
      return problemResponse(c, 'insufficient-scope', `this operation needs the scope ${scope}`, {
        headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
      });
    }
    await next();
  };
}
