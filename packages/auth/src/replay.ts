import type { Redis } from 'ioredis';
import { AuthError } from './errors';

/**
 * Single-use identifiers (assertion `jti`, DPoP proof `jti`). Kept in Redis so every replica sees
 * them, for as long as the token they came with could still be accepted. If Redis cannot answer we
 * refuse: a replay check that fails open is no check.
 */
export class ReplayGuard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async claim(namespace: string, id: string, ttlSeconds: number): Promise<void> {
    let result: string | null;
    try {
      result = await this.redis.set(
        `${this.prefix}jti:${namespace}:${id}`,
        '1',
        'EX',
        Math.max(1, Math.ceil(ttlSeconds)),
        'NX',
      );
    } catch (cause) {
      throw new AuthError('replay_store_unavailable', 'the replay store is unavailable', { cause });
    }
    if (result !== 'OK') throw new AuthError('replayed_jti', 'this jti has been used before');
  }
}
