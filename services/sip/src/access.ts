import type { AgencyCaller } from '@samsyn/auth';
import { type Consent, consents, type DbOrTx, type Sip, sips } from '@samsyn/db';
import { consentState } from '@samsyn/domain';
import { ProblemError } from '@samsyn/http';
import { eq } from 'drizzle-orm';

/**
 * The SIP, if the caller's party takes part in it and the consent it rests on is valid now. For
 * anyone else — and for everyone once the consent is withdrawn — it does not exist (404): the plan
 * is personal data that only the consent lets the parties share.
 */
export async function sipVisibleTo(
  db: DbOrTx,
  caller: AgencyCaller,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<{ sip: Sip; consent: Consent }> {
  const query = db.select().from(sips).where(eq(sips.id, id));
  const [sip] = options.forUpdate ? await query.for('update') : await query;
  if (!sip?.participants.includes(caller.partyId)) throw new ProblemError('not-found', 'no such SIP');
  const [consent] = await db.select().from(consents).where(eq(consents.id, sip.consentId));
  if (
    !consent ||
    consentState(consent, new Date()) !== 'valid' ||
    !consent.parties.includes(caller.partyId)
  ) {
    throw new ProblemError('not-found', 'no such SIP');
  }
  return { sip, consent };
}

export function refuse(pointer: string, detail: string): never {
  throw new ProblemError('validation-failed', detail, { errors: [{ location: 'body', pointer, detail }] });
}
