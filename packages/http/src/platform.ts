import { readFile } from 'node:fs/promises';
import { AccessTokenVerifier, ReplayGuard, RevocationWatch } from '@samsyn/auth';
import { createDatabase, type Database, pingDatabase } from '@samsyn/db';
import { Redis } from 'ioredis';
import type { JSONWebKeySet, JWK } from 'jose';
import type { AuthenticateOptions } from './authenticate';
import { publicUrlOf, type ServiceConfig } from './config';
import type { Logger } from './logger';
import { createCallerRateLimiter } from './rate-limit';
import { databaseTracer } from './tracing';

export interface Platform {
  database: Database;
  redis: Redis;
  replay: ReplayGuard;
  revocations: RevocationWatch;
  auth: AuthenticateOptions;
  readiness: { postgres: () => Promise<boolean>; redis: () => Promise<boolean> };
  close: () => Promise<void>;
}

/**
 * A Redis client for request paths: fail fast rather than queue commands while Redis is away. The
 * commands of requests that arrive together (a rate-limit check each) go out in one socket write.
 */
export function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
    enableAutoPipelining: true,
  });
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
  return redis;
}

/**
 * Waits for the first connection, at most `timeoutMs`: without it the first requests would fail
 * only because the connection is still being made. A Redis that stays away is not fatal here.
 */
export function redisReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
    redis.once('ready', done);
  });
}

export async function pingRedis(redis: Redis, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([redis.ping().then((r) => r === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function readJwksFile(path: string): Promise<JSONWebKeySet> {
  return JSON.parse(await readFile(path, 'utf8')) as JSONWebKeySet;
}

/**
 * The keys the gateway's tokens and receipts verify against: its signing key first, then every
 * other key in `GATEWAY_JWKS_FILE`. Keeping the previous key there during a rotation lets tokens it
 * signed live out their lifetime and old consent receipts keep verifying; a missing file means the
 * signing key alone.
 */
export async function gatewayVerificationKeys(signingKey: JWK, jwksFile: string): Promise<JSONWebKeySet> {
  const fromFile = await readJwksFile(jwksFile).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return { keys: [] };
    throw error;
  });
  const others = fromFile.keys.filter((key) => key.kid !== signingKey.kid);
  return { keys: [signingKey, ...others] };
}

/**
 * Connects what every HTTP service needs: PostgreSQL, Redis, the access-token verifier and the watch
 * that makes a deactivated party's tokens stop working within seconds.
 */
export async function connectPlatform(
  config: ServiceConfig,
  logger: Logger,
  gatewayJwks?: JSONWebKeySet,
): Promise<Platform> {
  const database = createDatabase({
    url: config.DATABASE_URL,
    maxConnections: config.DB_POOL_MAX,
    tracer: databaseTracer(),
  });
  const redis = connectRedis(config.REDIS_URL, logger);
  await redisReady(redis, 3000);
  const replay = new ReplayGuard(redis, config.REDIS_PREFIX);
  const revocations = new RevocationWatch(database.db, config.PARTY_REFRESH_MS);
  await revocations.start();
  const jwks = gatewayJwks ?? (await readJwksFile(config.GATEWAY_JWKS_FILE));
  const publicUrl = publicUrlOf(config);
  const verifier = new AccessTokenVerifier({ issuer: publicUrl, jwks, isRevoked: revocations.isRevoked });
  const rateLimiter = createCallerRateLimiter({
    redis,
    prefix: config.REDIS_PREFIX,
    defaultPerMinute: config.RATE_LIMIT_PER_MINUTE,
    limitOf: revocations.rateLimitOf,
  });
  return {
    database,
    redis,
    replay,
    revocations,
    auth: { verifier, replay, publicUrl, rateLimiter },
    readiness: { postgres: () => pingDatabase(database.sql), redis: () => pingRedis(redis) },
    close: async () => {
      revocations.stop();
      redis.disconnect();
      await database.close();
    },
  };
}
