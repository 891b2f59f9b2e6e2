import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../client';
import { idempotencyKeys } from '../schema';

export interface StoredResult {
  status: number;
  body: unknown;
}

export type IdempotentOutcome =
  | { kind: 'fresh'; result: StoredResult }
  | { kind: 'replayed'; result: StoredResult }
  | { kind: 'conflict' };

/** A stable fingerprint of a request body: the same JSON value gives the same hash whatever its key order. */
export function requestFingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Runs `effect` at most once per (party, operation, key), inside `tx`. The key row is claimed first:
 * a concurrent duplicate blocks on it until this transaction ends, then sees the stored result. The
 * effect and its recorded result commit together, or neither does.
 */
export async function once(
  tx: Tx,
  claim: { partyId: string; operation: string; key: string; requestHash: string },
  effect: () => Promise<StoredResult>,
): Promise<IdempotentOutcome> {
  const claimed = await tx
    .insert(idempotencyKeys)
    .values({ ...claim, responseStatus: 0, responseBody: {} })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  const where = and(
    eq(idempotencyKeys.partyId, claim.partyId),
    eq(idempotencyKeys.operation, claim.operation),
    eq(idempotencyKeys.key, claim.key),
  );
  if (claimed.length === 0) {
    const [stored] = await tx.select().from(idempotencyKeys).where(where);
    if (!stored || stored.requestHash !== claim.requestHash) return { kind: 'conflict' };
    return { kind: 'replayed', result: { status: stored.responseStatus, body: stored.responseBody } };
  }
  const result = await effect();
  await tx
    .update(idempotencyKeys)
    .set({ responseStatus: result.status, responseBody: result.body })
    .where(where);
  return { kind: 'fresh', result };
}
