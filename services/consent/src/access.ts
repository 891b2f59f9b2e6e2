import type { AgencyCaller } from '@samsyn/auth';
import { type Consent, consents, type DbOrTx } from '@samsyn/db';
import { ProblemError } from '@samsyn/http';
import { eq } from 'drizzle-orm';

/**
 * The consent, if the caller is one of the parties it names. Anyone else gets the same 404 as for an
 * id that does not exist, so ids cannot be probed.
 */
export async function consentVisibleTo(
  db: DbOrTx,
  caller: AgencyCaller,
  id: string,
  forUpdate = false,
): Promise<Consent> {
  const query = db.select().from(consents).where(eq(consents.id, id));
  const [row] = forUpdate ? await query.for('update') : await query;
  if (!row?.parties.includes(caller.partyId)) throw new ProblemError('not-found', 'no such consent');
  return row;
}
