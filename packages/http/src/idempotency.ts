import type { AgencyCaller } from '@samsyn/auth';
import { type Db, once, requestFingerprint, type Tx } from '@samsyn/db';
import { ProblemError } from './problems';

/**
 * Runs a publishing operation once per `Idempotency-Key`: the effect and its stored result commit in
 * one transaction; a retry with the same body gets the first result (`replayed`), another body a 422.
 */
export async function runIdempotent<T>(
  options: { db: Db; caller: AgencyCaller; operation: string; key: string; body: unknown; status: number },
  effect: (tx: Tx) => Promise<T>,
): Promise<{ body: T; replayed: boolean }> {
  const outcome = await options.db.transaction((tx) =>
    once(
      tx,
      {
        partyId: options.caller.partyId,
        operation: options.operation,
        key: options.key,
        requestHash: requestFingerprint(options.body),
      },
      async () => ({ status: options.status, body: await effect(tx) }),
    ),
  );
  if (outcome.kind === 'conflict') {
    throw new ProblemError('idempotency-key-reused', 'send a new Idempotency-Key for a different request');
  }
  // The stored body is the JSON of a T written by this same operation.
  return { body: outcome.result.body as T, replayed: outcome.kind === 'replayed' };
}
