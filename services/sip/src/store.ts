import type { AuditEntry, Consent, Invitation, Meeting, OutboxMessage, Sip, SqlClient } from '@samsyn/db';

/**
 * Hot-path statements on postgres.js beneath drizzle (see `sqlClientOf` in @samsyn/db): prepared once
 * per connection, each gathering in one statement what the drizzle version takes several for. On
 * this path the per-statement and per-write overhead, not the SQL, is most of a request's cost.
 * drizzle has postgres.js pass instants and JSON parameters as text: ISO strings and
 * `JSON.stringify(x)::jsonb` go in, and instants come back as text.
 */

export type LockedSip = Pick<Sip, 'id' | 'personKey' | 'consentId' | 'phase' | 'participants'>;
export type SipConsent = Pick<
  Consent,
  'id' | 'parties' | 'validFrom' | 'validUntil' | 'revokedAt' | 'legalBasis'
>;

interface LockedRow extends LockedSip {
  consent:
    | (Omit<SipConsent, 'validFrom' | 'validUntil' | 'revokedAt'> & {
        validFrom: string;
        validUntil: string;
        revokedAt: string | null;
      })
    | null;
}

/**
 * The SIP row with the consent it rests on, in one statement; with `forUpdate` the SIP row is locked
 * as `sipVisibleTo(…, { forUpdate: true })` locks it. Undefined parts mean "no such SIP" to the caller.
 */
export async function sipWithConsent(
  sql: SqlClient,
  id: string,
  options: { forUpdate: boolean },
): Promise<{ sip: LockedSip | undefined; consent: SipConsent | undefined }> {
  const [row] = await sql<LockedRow[]>`
    select s.id, s.person_key as "personKey", s.consent_id as "consentId", s.phase, s.participants,
      (select json_build_object(
         'id', c.id, 'parties', c.parties, 'validFrom', c.valid_from, 'validUntil', c.valid_until,
         'revokedAt', c.revoked_at, 'legalBasis', c.legal_basis)
       from consents c where c.id = s.consent_id) as consent
    from sips s where s.id = ${id}
    ${options.forUpdate ? sql`for update` : sql``}`;
  if (!row) return { sip: undefined, consent: undefined };
  const { consent, ...sip } = row;
  return {
    sip,
    consent: consent
      ? {
          ...consent,
          validFrom: new Date(consent.validFrom),
          validUntil: new Date(consent.validUntil),
          revokedAt: consent.revokedAt === null ? null : new Date(consent.revokedAt),
        }
      : undefined,
  };
}

export type NewMeeting = Pick<
  Meeting,
  | 'id'
  | 'sipId'
  | 'startsAt'
  | 'durationMinutes'
  | 'place'
  | 'videoLink'
  | 'interpreterLanguage'
  | 'agenda'
  | 'calledByParty'
  | 'calledByOfficer'
>;
export type NewInvitation = Pick<Invitation, 'id' | 'participantKind' | 'partyId' | 'role' | 'displayName'>;
export type NewDeliveryRow = OutboxMessage & { id: string };

/**
 * A called meeting in one statement: the meeting, its invitations, their outbox rows and reminders,
 * the SIP's new phase and the access-log entry. Run it in the transaction that locked the SIP: all of
 * it commits or none does. (Every part of a statement's WITH runs exactly once, referenced or not, and
 * foreign keys are checked at the end of the statement, so the invitations may name the new meeting.)
 */
export function insertCalledMeeting(
  sql: SqlClient,
  write: {
    meeting: NewMeeting;
    invitations: readonly NewInvitation[];
    deliveries: readonly NewDeliveryRow[];
    phase: string;
    audit: AuditEntry;
  },
) {
  const { meeting, audit } = write;
  const invitationRows = write.invitations.map((invitation) => ({
    id: invitation.id,
    kind: invitation.participantKind,
    party: invitation.partyId,
    role: invitation.role,
    name: invitation.displayName,
  }));
  const deliveryRows = write.deliveries.map((delivery) => ({
    id: delivery.id,
    party: delivery.partyId,
    event: delivery.eventType,
    payload: delivery.payload,
    notBefore: delivery.notBefore ? delivery.notBefore.toISOString() : null,
    invitation: delivery.invitationId ?? null,
  }));
  return sql`
    with meeting as (
      insert into meetings (id, sip_id, starts_at, duration_minutes, place, video_link, interpreter_language,
                            agenda, called_by_party, called_by_officer)
      values (${meeting.id}, ${meeting.sipId}, ${meeting.startsAt.toISOString()}, ${meeting.durationMinutes},
              ${meeting.place}, ${meeting.videoLink}, ${meeting.interpreterLanguage},
              ${JSON.stringify(meeting.agenda)}::jsonb, ${meeting.calledByParty}, ${meeting.calledByOfficer})
    ),
    invited as (
      insert into invitations (id, meeting_id, sip_id, participant_kind, party_id, role, display_name)
      select i.id, ${meeting.id}, ${meeting.sipId}, i.kind, i.party, i.role, i.name
      from jsonb_to_recordset(${JSON.stringify(invitationRows)}::jsonb)
        as i(id uuid, kind text, party text, role text, name text)
    ),
    outbox as (
      insert into deliveries (id, party_id, event_type, payload, not_before, sip_id, meeting_id, invitation_id)
      select d.id, d.party, d.event, d.payload, d."notBefore", ${meeting.sipId}, ${meeting.id}, d.invitation
      from jsonb_to_recordset(${JSON.stringify(deliveryRows)}::jsonb)
        as d(id uuid, party text, event text, payload jsonb, "notBefore" timestamptz, invitation uuid)
    ),
    moved as (
      update sips set phase = ${write.phase}, updated_at = now() where id = ${meeting.sipId}
    )
    insert into audit_log (action, party_id, officer_id, person_key, purpose, legal_basis, consent_ids,
                           request_id, details)
    values (${audit.action}, ${audit.partyId ?? null}, ${audit.officerId ?? null}, ${audit.personKey},
            ${audit.purpose ?? null}, ${audit.legalBasis ?? null}, ${sql.array(audit.consentIds ?? [])}::uuid[],
            ${audit.requestId ?? null}, ${JSON.stringify(audit.details ?? {})}::jsonb)`.execute();
}
