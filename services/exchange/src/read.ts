import { appendAuditEntry, type CurrentStatusRow, type SqlClient } from '@samsyn/db';
import type { Category } from '@samsyn/domain';
import { type AccessDecision, allows } from './access';

export interface StatusView {
  party: { id: string; displayName: string };
  kind: string;
  effectiveDate: string;
  data: Record<string, unknown>;
  publishedAt: string;
}

function view(row: Omit<CurrentStatusRow, 'category'>): StatusView {
  return {
    party: { id: row.partyId, displayName: row.displayName ?? row.partyId },
    kind: row.kind,
    effectiveDate: row.effectiveDate,
    data: row.data,
    publishedAt: row.publishedAt.toISOString(),
  };
}

/** The current status of every granted category, from the publishers each grant allows. */
export function grantedStatuses(decision: AccessDecision, statuses: readonly CurrentStatusRow[]) {
  const visible = statuses.filter((row) => allows(decision, row));
  return decision.requested.map((category) => {
    if (!decision.grants.has(category)) return { category, access: 'withheld' as const };
    const inCategory = visible.filter((row) => row.category === category).map(view);
    return { category, access: 'granted' as const, statuses: inCategory };
  });
}

/** Per granted category, the publishers and publisher kinds the decision opens, for SQL to filter by. */
function grantFilter(decision: AccessDecision) {
  return [...decision.grants].map(([category, grant]) => ({
    category,
    parties: [...grant.parties],
    kinds: [...grant.partyKinds],
  }));
}

/** One page of the event history of the granted categories, newest first. */
export async function readTimeline(
  sql: SqlClient,
  decision: AccessDecision,
  page: { limit: number; page: number },
) {
  const withheldCategories = decision.requested.filter((category) => !decision.grants.has(category));
  if (decision.grants.size === 0) return { events: [], withheldCategories, hasMore: false };
  const rows = await sql<Array<Omit<CurrentStatusRow, 'publishedAt'> & { id: string; publishedAt: string }>>`
    select e.id, e.category, e.party_id as "partyId", p.display_name as "displayName", e.kind,
           e.effective_date::text as "effectiveDate", e.data, e.published_at as "publishedAt"
    from status_events e left join parties p on p.id = e.party_id
    where e.person_key = ${decision.personKey}
      and exists (
        select 1 from jsonb_to_recordset(${JSON.stringify(grantFilter(decision))}::jsonb) g(category text, parties text[], kinds text[])
        where g.category = e.category
          and (e.party_id = any(g.parties) or split_part(e.party_id, ':', 1) = any(g.kinds)))
    order by e.effective_date desc, e.position desc
    limit ${page.limit + 1} offset ${(page.page - 1) * page.limit}`;
  return {
    events: rows.slice(0, page.limit).map((row) => ({
      id: row.id,
      category: row.category as Category,
      ...view({ ...row, publishedAt: new Date(row.publishedAt) }),
    })),
    withheldCategories,
    hasMore: rows.length > page.limit,
  };
}

/** The audit entry of a read that returned personal data; written in the reading transaction. */
export async function auditRead(
  sql: SqlClient,
  decision: AccessDecision,
  entry: {
    action: 'status.read' | 'status.timeline.read';
    partyId: string;
    officerId: string;
    purpose: string;
    requestId: string;
    details?: Record<string, unknown>;
  },
) {
  await appendAuditEntry(sql, {
    action: entry.action,
    partyId: entry.partyId,
    officerId: entry.officerId,
    personKey: decision.personKey,
    purpose: entry.purpose,
    legalBasis: decision.legalBasis,
    consentIds: decision.consentIds,
    statutoryBasisIds: decision.basisIds,
    categories: [...decision.grants.keys()],
    requestId: entry.requestId,
    details: entry.details ?? {},
  });
}
