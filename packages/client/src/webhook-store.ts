/**
 * Where a webhook receiver remembers the `webhook-id`s it has taken, so a retry or a re-drive of a
 * message it already handled is recognised. Implement it over Redis (`SET key 1 NX EX ttl`) or a
 * database table (insert, unique on the id) when more than one process receives.
 */
export interface WebhookIdStore {
  /** Takes the id for `ttlSeconds`; false when it is already taken. Must be atomic across receivers. */
  claim: (id: string, ttlSeconds: number) => boolean | Promise<boolean>;
  /** Gives the id back, so the sender's retry is handled: for when processing failed. */
  release: (id: string) => void | Promise<void>;
}

export interface MemoryWebhookIdStoreOptions {
  /** The oldest ids are forgotten beyond this many (default 10 000), whatever their age. */
  maxEntries?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/**
 * The default store: a map in this process, bounded in size and age. Enough for one receiving
 * process; ids are lost on restart, so handling must still be idempotent (fetching an invitation
 * twice is harmless).
 */
export function createMemoryWebhookIdStore(options: MemoryWebhookIdStoreOptions = {}): WebhookIdStore {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  // Insertion order is claim order, so the first entries are the oldest: expiry and eviction both
  // trim from the front.
  const expiries = new Map<string, number>();

  function trim(at: number) {
    for (const [id, expiresAt] of expiries) {
      if (expiresAt > at && expiries.size < maxEntries) break;
      expiries.delete(id);
    }
  }

  return {
    claim(id, ttlSeconds) {
      const at = now();
      const expiresAt = expiries.get(id);
      if (expiresAt !== undefined && expiresAt > at) return false;
      expiries.delete(id);
      trim(at);
      expiries.set(id, at + ttlSeconds * 1000);
      return true;
    },
    release(id) {
      expiries.delete(id);
    },
  };
}
