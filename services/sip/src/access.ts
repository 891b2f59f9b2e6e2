import type { AgencyCaller } from '@samsyn/auth';
import {
  type AuditAction,
  type AuditEntry,
  appendAudit,
  type Consent,
  consents,
  type DbOrTx,
  type Sip,
  sips,
} from '@samsyn/db';
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
  return visibleOrMissing(caller, sip, consent);
}

/** The rule of `sipVisibleTo`, for routes that read the SIP and its consent in one statement of their own. */
export function visibleOrMissing<S extends Pick<Sip, 'participants'>, C extends VisibilityTerms>(
  caller: AgencyCaller,
  sip: S | undefined,
  consent: C | undefined,
): { sip: S; consent: C } {
  if (
    !sip?.participants.includes(caller.partyId) ||
    !consent ||
    consentState(consent, new Date()) !== 'valid' ||
    !consent.parties.includes(caller.partyId)
  ) {
    throw new ProblemError('not-found', 'no such SIP');
  }
  return { sip, consent };
}

type VisibilityTerms = Pick<Consent, 'parties' | 'validFrom' | 'validUntil' | 'revokedAt'>;

export function refuse(pointer: string, detail: string): never {
  throw new ProblemError('validation-failed', detail, { errors: [{ location: 'body', pointer, detail }] });
}

/** An access-log entry for work on a SIP: it always relies on the SIP's consent, for the purpose `sip`. */
export function auditSip(
  tx: DbOrTx,
  action: AuditAction,
  actor: { caller: AgencyCaller; requestId: string },
  sip: Pick<Sip, 'id' | 'personKey'>,
  consent: Pick<Consent, 'id' | 'legalBasis'>,
  details: Record<string, unknown> = {},
) {
  return appendAudit(tx, sipAuditEntry(action, actor, sip, consent, details));
}

export function sipAuditEntry(
  action: AuditAction,
  actor: { caller: AgencyCaller; requestId: string },
  sip: Pick<Sip, 'id' | 'personKey'>,
  consent: Pick<Consent, 'id' | 'legalBasis'>,
  details: Record<string, unknown> = {},
): AuditEntry {
  return {
    action,
    partyId: actor.caller.partyId,
    officerId: actor.caller.officerId,
    personKey: sip.personKey,
    purpose: 'sip',
    legalBasis: consent.legalBasis,
    consentIds: [consent.id],
    requestId: actor.requestId,
    details: { sipId: sip.id, ...details },
  };
}
