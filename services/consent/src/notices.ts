import { type DbOrTx, withdrawalNotices } from '@samsyn/db';
import { inArray } from 'drizzle-orm';

/** The withdrawal notices of these consents, for their views. */
export function noticesOf(db: DbOrTx, consentIds: string[]) {
  if (consentIds.length === 0) return Promise.resolve([]);
  return db.select().from(withdrawalNotices).where(inArray(withdrawalNotices.consentId, consentIds));
}
