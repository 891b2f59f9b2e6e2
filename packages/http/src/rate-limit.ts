import type { Caller } from '@samsyn/auth';
import type { MiddlewareHandler } from 'hono';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppEnv } from './env';
import { problemResponse } from './problems';

export interface CallerRateLimiter {
  consume(
    caller: Caller,
  ): Promise<{ allowed: boolean; limit: number; remaining: number; resetSeconds: number }>;
}

/**
 * Requests per minute per calling party (per person for citizens), counted in Redis so every replica
 * shares one budget, with a per-party limit from the registry where one is set. One agency's runaway
 * batch then meets its own limit and leaves the others theirs. With Redis away, each process falls
 * back to counting in memory (rate-limiter-flexible's insurance limiter): limits hold roughly and
 * reads keep working.
 */
export function createCallerRateLimiter(options: {
  redis: Redis;
  prefix: string;
  defaultPerMinute: number;
  limitOf: (caller: Caller) => number | undefined;
}): CallerRateLimiter {
  const limiters = new Map<number, RateLimiterRedis>();
  const limiterFor = (points: number) => {
    let limiter = limiters.get(points);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: options.redis,
        keyPrefix: `${options.prefix}rate:${points}`,
        points,
        duration: 60,
        insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
      });
      limiters.set(points, limiter);
    }
    return limiter;
  };
  return {
    async consume(caller) {
      const limit = options.limitOf(caller) ?? options.defaultPerMinute;
      const key =
        caller.kind === 'agency'
          ? `party:${caller.partyId}`
          : `person:${caller.issuerId}:${caller.personKey}`;
      try {
        const result = await limiterFor(limit).consume(key);
        return {
          allowed: true,
          limit,
          remaining: result.remainingPoints,
          resetSeconds: Math.ceil(result.msBeforeNext / 1000),
        };
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) {
          return {
            allowed: false,
            limit,
            remaining: 0,
            resetSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)),
          };
        }
        // Neither Redis nor the insurance limiter answered: let the request through rather than fail it.
        return { allowed: true, limit, remaining: limit, resetSeconds: 60 };
      }
    },
  };
}

/** Route-level gate after authentication: 429 with `Retry-After` and `RateLimit-*` headers (RFC 9331 draft names). */
export function rateLimitCallers(limiter: CallerRateLimiter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = c.get('caller');
    const verdict = await limiter.consume(caller);
    const headers = {
      'ratelimit-limit': String(verdict.limit),
      'ratelimit-remaining': String(verdict.remaining),
      'ratelimit-reset': String(verdict.resetSeconds),
    };
    if (!verdict.allowed) {
      c.get('logger').warn({ limit: verdict.limit }, 'rate limit reached');
      return problemResponse(
        c,
        'rate-limited',
        `at most ${verdict.limit} requests a minute; try again later`,
        {
          headers: { ...headers, 'retry-after': String(verdict.resetSeconds) },
        },
      );
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
