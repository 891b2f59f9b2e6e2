import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import type { NewAuditRecord } from '../schema';

/** The actions the access log records; reads are the ones the person's access log shows. */
export const auditActions = [
  'status.read',
  'status.timeline.read',
  'status.published',
  'consent.recorded',
  'consent.read',
  'consent.revoked',
  'withdrawal.acknowledged',
  'sip.opened',
  'sip.read',
  'sip.updated',
  'sip.transitioned',
  'meeting.called',
  'meeting.rescheduled',
  'meeting.cancelled',
  'invitation.read',
  'invitation.answered',
  'delivery.redriven',
  'representation.recorded',
  'representation.ended',
  'consultation_case.raised',
  'consultation_case.read',
  'consultation_case.answered',
  'consultation_case.followed_up',
  'consultation_case.withdrawn',
  'signal.evaluated',
  'signal.read',
  'signal.acknowledged',
] as const;

/** The actions that read personal data: a party that did one under a consent has received data under it. */
export const readActions: readonly AuditAction[] = [
  'status.read',
  'status.timeline.read',
  'consent.read',
  'sip.read',
  'invitation.read',
  'consultation_case.read',
  // Not `signal.evaluated`: Samsyn read on the party's behalf, but the party learns who only by
  // reading the signal.
  'signal.read',
];
export type AuditAction = (typeof auditActions)[number];

export type AuditEntry = Omit<NewAuditRecord, 'id' | 'seq' | 'txid' | 'at' | 'action'> & {
  action: AuditAction;
};

/** Inserts the entries given as a JSON array in `$1` (the shape `auditRowsJson` makes). */
export const auditInsertFromJson = `
  insert into audit_log (action, party_id, officer_id, actor_person_key, person_key, purpose, legal_basis,
                         consent_ids, statutory_basis_ids, categories, request_id, details)
  select action, party_id, officer_id, actor_person_key, person_key, purpose, legal_basis,
         consent_ids, statutory_basis_ids, categories, request_id, details
  from jsonb_to_recordset($1::jsonb) as e(
    action text, party_id text, officer_id text, actor_person_key text, person_key text, purpose text,
    legal_basis text, consent_ids uuid[], statutory_basis_ids text[], categories text[], request_id text,
    details jsonb)`;

export function auditRowsJson(entries: readonly AuditEntry[]): string {
  return JSON.stringify(
    entries.map((entry) => ({
      action: entry.action,
      party_id: entry.partyId ?? null,
      officer_id: entry.officerId ?? null,
      actor_person_key: entry.actorPersonKey ?? null,
      person_key: entry.personKey,
      purpose: entry.purpose ?? null,
      legal_basis: entry.legalBasis ?? null,
      consent_ids: entry.consentIds ?? [],
      statutory_basis_ids: entry.statutoryBasisIds ?? [],
      categories: entry.categories ?? [],
      request_id: entry.requestId ?? null,
      details: entry.details ?? {},
    })),
  );
}

const [insertBeforeRows = '', insertAfterRows = ''] = auditInsertFromJson.split('$1');

/**
 * Appends to the access log inside the caller's transaction: the entry commits or rolls back with the
 * work. The entries travel as one JSON parameter: a batch publication audits hundreds at once, and a
 * VALUES list that long costs the query builder far more CPU than the insert costs PostgreSQL.
 */
export async function appendAudit(tx: DbOrTx, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const rows = Array.isArray(entries) ? entries : [entries];
  if (rows.length === 0) return;
  await tx.execute(sql`${sql.raw(insertBeforeRows)}${auditRowsJson(rows)}${sql.raw(insertAfterRows)}`);
}

/** Key of the advisory lock that keeps a single sequencer at a time, cluster-wide. */
const sequencerLock = 0x5a_4d_53_51; // "SMSQ"

/**
 * Gives committed entries their gap-free `seq`, in (transaction id, id) order, but only entries whose
 * transaction is older than every transaction still running: no entry can later appear before them,
 * so positions never need to shift. Writers take no shared lock; only this step is serial.
 * Returns how many entries it sequenced.
 */
export async function sequenceAuditLog(db: DbOrTx, batchSize = 10_000): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${sequencerLock})`);
    const result = await tx.execute<{ seq: string }>(sql`
      with last as (
        select coalesce((select seq from audit_log where seq is not null order by seq desc limit 1), 0) as seq
      ),
      pending as (
        select id, row_number() over (order by txid, id) as n
        from audit_log
        where seq is null and txid < pg_snapshot_xmin(pg_current_snapshot())
        order by txid, id
        limit ${batchSize}
      )
      update audit_log set seq = last.seq + pending.n
      from pending, last
      where audit_log.id = pending.id
      returning audit_log.seq`);
    return result.length;
  });
}
