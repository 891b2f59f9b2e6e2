import { appendAudit, applyConsentWithdrawal, type Consent, consents, type Tx } from '@samsyn/db';
import { ProblemError } from '@samsyn/http';
import { eq, sql } from 'drizzle-orm';
import { noticesOf } from './notices';

/** Who withdrew: an agency officer, or the person or their representative through self-service. */
export type Withdrawer =
  | { kind: 'agency'; partyId: string; officerId: string }
  | { kind: 'citizen'; personKey: string; role: 'person' | 'representative' };

/**
 * A withdrawal and everything it sets off, in the caller's transaction, whoever withdraws: the
 * consent stops lifting secrecy on the next request, its SIPs close, pending invitations and reminders
 * are cancelled, every party that received data under it is notified, and the access log records it.
 */
export async function withdrawConsent(
  tx: Tx,
  consent: Consent,
  reason: string,
  by: Withdrawer,
  requestId: string,
) {
  if (consent.revokedAt) throw new ProblemError('consent-revoked');
  const [revoked] = await tx
    .update(consents)
    .set({
      revokedAt: sql`now()`,
      revokedByParty: by.kind === 'agency' ? by.partyId : null,
      revokedByOfficer: by.kind === 'agency' ? by.officerId : `self-service:${by.role}`,
      revocationReason: reason,
    })
    .where(eq(consents.id, consent.id))
    .returning();
  if (!revoked) throw new Error('consent revocation returned no row');
  const effects = await applyConsentWithdrawal(tx, revoked.id);
  await appendAudit(tx, {
    action: 'consent.revoked',
    partyId: by.kind === 'agency' ? by.partyId : null,
    officerId: by.kind === 'agency' ? by.officerId : null,
    actorPersonKey: by.kind === 'citizen' ? by.personKey : null,
    personKey: revoked.personKey,
    consentIds: [revoked.id],
    categories: revoked.categories,
    requestId,
    details: { closedSips: effects.closedSipIds, notified: effects.notifiedParties },
  });
  return { revoked, notices: await noticesOf(tx, [revoked.id]) };
}
