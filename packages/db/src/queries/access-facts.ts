import type { ConsentTerms, StatutoryBasis, StatutoryCondition } from '@samsyn/domain';
import type postgres from 'postgres';
import type { Db } from '../client';
import { type AuditEntry, auditInsertFromJson, auditRowsJson } from './audit';

/**
 * A postgres.js transaction beneath drizzle, for the audited paths every agency call takes. Its tagged
 * templates are prepared once per connection and reused, where drizzle builds and the server plans
 * each query anew. drizzle configures the client to pass dates, times and JSON parameters through as
 * text: send ISO strings and `JSON.stringify(value)::jsonb`, expect timestamps back as strings.
 */
export type SqlClient = postgres.TransactionSql;

/** The pool beneath drizzle: `sqlClientOf(db).begin(async (sql) => …)` hands out a `SqlClient`. */
export function sqlClientOf(db: Db): postgres.Sql {
  return db.$client;
}

export interface CurrentStatusRow {
  category: string;
  partyId: string;
  displayName: string | null;
  kind: string;
  effectiveDate: string;
  data: Record<string, unknown>;
  publishedAt: Date;
}

/** Everything an access decision about one person and one requester rests on, read in one snapshot. */
export interface AccessFacts {
  /** The person's consents valid at `at` that name the requester. */
  consents: ConsentTerms[];
  bases: StatutoryBasis[];
  conditionsMet: Set<StatutoryCondition>;
  /** Every current status of the person: the decision filters them before anything leaves the process. */
  statuses: CurrentStatusRow[];
}

interface FactsRow {
  consents: Array<
    Omit<ConsentTerms, 'validFrom' | 'validUntil' | 'revokedAt' | 'legalBasis'> & {
      validFrom: string;
      validUntil: string;
      revokedAt: string | null;
      legalBasis: string | null;
    }
  >;
  bases: Array<Omit<StatutoryBasis, 'conditions'> & { conditions: StatutoryCondition[] }>;
  activeAssistance: boolean;
  statuses: Array<Omit<CurrentStatusRow, 'publishedAt'> & { publishedAt: string }> | null;
}

/**
 * One statement, one round trip: the consents naming the requester, the active statutory bases, the
 * conditions a basis may require, and (when asked) the person's current statuses. Run it inside the
 * transaction that writes the audit entry, so the decision and the read see the same moment.
 */
export async function loadAccessFacts(
  sql: SqlClient,
  query: { personKey: string; requester: string; at: Date; withStatuses: boolean },
): Promise<AccessFacts> {
  const { personKey, requester } = query;
  // drizzle hands postgres.js date and time values through as text, both ways.
  const at = query.at.toISOString();
  const [row] = await sql<FactsRow[]>`
    select
      coalesce((
        select json_agg(json_build_object(
          'id', c.id, 'parties', c.parties, 'categories', c.categories, 'purposes', c.purposes,
          'validFrom', c.valid_from, 'validUntil', c.valid_until, 'revokedAt', c.revoked_at,
          'legalBasis', c.legal_basis))
        from consents c
        where c.person_key = ${personKey} and c.parties @> array[${requester}::text]
          and c.valid_from <= ${at} and c.valid_until > ${at}
          and (c.revoked_at is null or c.revoked_at > ${at})
      ), '[]') as consents,
      coalesce((
        select json_agg(json_build_object(
          'id', b.id, 'reference', b.reference, 'requesterKinds', b.requester_kinds,
          'publisherKinds', b.publisher_kinds, 'categories', b.categories, 'purposes', b.purposes,
          'conditions', b.conditions))
        from statutory_bases b where b.active
      ), '[]') as bases,
      exists (
        select 1 from current_statuses a
        where a.person_key = ${personKey} and a.category = 'assistance'
          and a.party_id = ${requester} and a.kind = 'active'
      ) as "activeAssistance",
      case when ${query.withStatuses}::boolean then coalesce((
        select json_agg(json_build_object(
          'category', s.category, 'partyId', s.party_id, 'displayName', p.display_name, 'kind', s.kind,
          'effectiveDate', s.effective_date, 'data', s.data, 'publishedAt', s.published_at)
          order by s.category, s.party_id)
        from current_statuses s left join parties p on p.id = s.party_id
        where s.person_key = ${personKey}
      ), '[]') end as statuses`;
  if (!row) throw new Error('the access facts query returned no row');
  return {
    consents: row.consents.map((consent) => ({
      ...consent,
      validFrom: new Date(consent.validFrom),
      validUntil: new Date(consent.validUntil),
      revokedAt: consent.revokedAt === null ? null : new Date(consent.revokedAt),
      ...(consent.legalBasis === null ? { legalBasis: undefined } : { legalBasis: consent.legalBasis }),
    })),
    bases: row.bases,
    conditionsMet: new Set<StatutoryCondition>(
      row.activeAssistance ? ['active_assistance_at_requester'] : [],
    ),
    statuses: (row.statuses ?? []).map((status) => ({
      ...status,
      publishedAt: new Date(status.publishedAt),
    })),
  };
}

/** `appendAudit` for the same path: the same insert, prepared, in the caller's transaction. */
export async function appendAuditEntry(sql: SqlClient, entry: AuditEntry): Promise<void> {
  await sql.unsafe(auditInsertFromJson, [auditRowsJson([entry])], { prepare: true });
}
