import type { AgencyCaller } from '@samsyn/auth';
import {
  type AuditAction,
  appendAudit,
  type Consent,
  type ConsultationCase,
  type ConsultationForum,
  type ConsultationMeeting,
  consents,
  consultationCases,
  consultationForums,
  consultationMeetings,
  type DbOrTx,
} from '@samsyn/db';
import { consentState, describeFinding, findPersonalData } from '@samsyn/domain';
import { type FieldError, ProblemError } from '@samsyn/http';
import { and, eq } from 'drizzle-orm';

export function refuse(pointer: string, detail: string): never {
  throw new ProblemError('validation-failed', detail, { errors: [{ location: 'body', pointer, detail }] });
}

/**
 * The forum, if the caller's party is a member. For anyone else it does not exist (404): which
 * forums a party sits in, and who their contact persons are, is the members' business.
 */
export async function forumOfMember(
  db: DbOrTx,
  caller: AgencyCaller,
  id: string,
  options: { lock?: 'update' | 'share' } = {},
): Promise<ConsultationForum> {
  const query = db.select().from(consultationForums).where(eq(consultationForums.id, id));
  const [forum] = options.lock ? await query.for(options.lock) : await query;
  if (!forum?.memberParties.includes(caller.partyId)) throw new ProblemError('not-found', 'no such forum');
  return forum;
}

/** Operations the forum's convener alone performs: calling meetings and changing the forum. */
export function requireConvener(forum: ConsultationForum, caller: AgencyCaller, what: string) {
  if (forum.convenerParty !== caller.partyId) {
    throw new ProblemError('role-required', `only the convener, ${forum.convenerParty}, ${what}`);
  }
}

export async function meetingOfForum(
  db: DbOrTx,
  forumId: string,
  meetingId: string,
  options: { forUpdate?: boolean } = {},
): Promise<ConsultationMeeting> {
  const query = db
    .select()
    .from(consultationMeetings)
    .where(and(eq(consultationMeetings.id, meetingId), eq(consultationMeetings.forumId, forumId)));
  const [meeting] = options.forUpdate ? await query.for('update') : await query;
  if (!meeting) throw new ProblemError('not-found', 'no such meeting');
  return meeting;
}

type ConsentTerms = Pick<
  Consent,
  'id' | 'personKey' | 'parties' | 'purposes' | 'validFrom' | 'validUntil' | 'revokedAt' | 'legalBasis'
>;

/**
 * Whether a consent lets the forum share a named case now: valid, for consultation, naming every
 * member party — so whichever member reads or answers, the consent covers it.
 */
export function consentCoversForum(consent: ConsentTerms, members: readonly string[], at = new Date()) {
  return (
    consentState(consent, at) === 'valid' &&
    consent.purposes.includes('consultation') &&
    members.every((member) => consent.parties.includes(member))
  );
}

export interface VisibleCase {
  forum: ConsultationForum;
  kase: ConsultationCase;
  /** The consent of a named case; null for an anonymised one. */
  consent: Consent | null;
}

/**
 * A case of a forum the caller is a member of. A named case exists for a member only while its
 * consent covers the forum and names the caller: after a withdrawal it is 404 for everyone, as a
 * SIP is, because the consent was what let the members share it.
 */
export async function caseVisibleTo(
  db: DbOrTx,
  caller: AgencyCaller,
  forumId: string,
  caseId: string,
  options: { forUpdate?: boolean } = {},
): Promise<VisibleCase> {
  const forum = await forumOfMember(db, caller, forumId);
  const query = db
    .select()
    .from(consultationCases)
    .where(and(eq(consultationCases.id, caseId), eq(consultationCases.forumId, forumId)));
  const [kase] = options.forUpdate ? await query.for('update') : await query;
  if (!kase) throw new ProblemError('not-found', 'no such case');
  if (kase.kind === 'anonymised' || !kase.consentId) return { forum, kase, consent: null };
  const [consent] = await db.select().from(consents).where(eq(consents.id, kase.consentId));
  if (
    !consent ||
    !consentCoversForum(consent, forum.memberParties) ||
    !consent.parties.includes(caller.partyId)
  ) {
    throw new ProblemError('not-found', 'no such case');
  }
  return { forum, kase, consent };
}

export type CaseAuditAction = Extract<AuditAction, `consultation_case.${string}`>;

/**
 * An access-log entry for work on a named case, in the caller's transaction: it always relies on
 * the case's consent, for the purpose `consultation`. Anonymised cases hold no personal data and
 * are not logged here. Details are ids only.
 */
export async function auditNamedCase(
  tx: DbOrTx,
  action: CaseAuditAction,
  actor: { caller: AgencyCaller; requestId: string },
  kase: Pick<ConsultationCase, 'id' | 'forumId' | 'meetingId' | 'personKey'>,
  consent: Pick<Consent, 'id' | 'legalBasis'>,
) {
  if (!kase.personKey) throw new Error('a named case without a person');
  await appendAudit(tx, {
    action,
    partyId: actor.caller.partyId,
    officerId: actor.caller.officerId,
    personKey: kase.personKey,
    purpose: 'consultation',
    legalBasis: consent.legalBasis,
    consentIds: [consent.id],
    requestId: actor.requestId,
    details: {
      forumId: kase.forumId,
      caseId: kase.id,
      ...(kase.meetingId ? { meetingId: kase.meetingId } : {}),
    },
  });
}

/**
 * Refuses text that would identify a person where none may be identified: every finding as a field
 * error on `pointer`, never repeating the text. `numbersOnly` for named cases, whose person is known
 * but whose personnummer belongs in its own field.
 */
export function refusePersonalData(
  texts: ReadonlyArray<{ pointer: string; text: string | null | undefined }>,
  options: { knownNames?: readonly string[]; numbersOnly?: boolean } = {},
) {
  const errors: FieldError[] = [];
  for (const { pointer, text } of texts) {
    if (!text) continue;
    const findings = findPersonalData(text, options.knownNames ?? []).filter(
      (finding) => !options.numbersOnly || finding.kind === 'personnummer',
    );
    const details = [...new Set(findings.map(describeFinding))];
    for (const detail of details) errors.push({ location: 'body', pointer, detail });
  }
  if (errors.length > 0) {
    throw new ProblemError(
      'personal-data-in-text',
      options.numbersOnly
        ? 'a personnummer travels only in its own field, never in free text'
        : 'the text must not identify anyone: remove the personnummer or name and send it again',
      { errors },
    );
  }
}

/** The names the anonymisation check knows exactly: the forum's contact persons. */
export function contactNames(forum: Pick<ConsultationForum, 'contacts'>): string[] {
  return forum.contacts.map((contact) => contact.name);
}
