import { appendAudit, currentStatuses, parties, statusEvents, type Tx } from '@samsyn/db';
import type { Category } from '@samsyn/domain';
import { type AnyColumn, and, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { AccessDecision } from './access';

export interface StatusView {
  party: { id: string; displayName: string };
  kind: string;
  effectiveDate: string;
  data: Record<string, unknown>;
  publishedAt: string;
}

function view(row: {
  partyId: string;
  displayName: string | null;
  kind: string;
  effectiveDate: string;
  data: Record<string, unknown>;
  publishedAt: Date;
}): StatusView {
  return {
    party: { id: row.partyId, displayName: row.displayName ?? row.partyId },
    kind: row.kind,
    effectiveDate: row.effectiveDate,
    data: row.data,
    publishedAt: row.publishedAt.toISOString(),
  };
}

/** The current status of every granted category, from the publishers each grant allows. */
export async function readCurrentStatuses(tx: Tx, decision: AccessDecision) {
  const rows =
    decision.grants.size === 0
      ? []
      : await tx
          .select({
            category: currentStatuses.category,
            partyId: currentStatuses.partyId,
            displayName: parties.displayName,
            kind: currentStatuses.kind,
            effectiveDate: currentStatuses.effectiveDate,
            data: currentStatuses.data,
            publishedAt: currentStatuses.publishedAt,
          })
          .from(currentStatuses)
          .leftJoin(parties, eq(parties.id, currentStatuses.partyId))
          .where(
            and(eq(currentStatuses.personKey, decision.personKey), allowedRows(decision, currentStatuses)),
          )
          .orderBy(currentStatuses.category, currentStatuses.partyId);
  return decision.requested.map((category) => {
    if (!decision.grants.has(category)) return { category, access: 'withheld' as const };
    const statuses = rows.filter((row) => row.category === category).map(view);
    return { category, access: 'granted' as const, statuses };
  });
}

/**
 * SQL for "a row this decision allows": its category is granted and its publisher is named in a
 * covering consent or is of a kind a statutory basis opens. Kinds are the part of a party id before ':'.
 */
function allowedRows(decision: AccessDecision, columns: { category: AnyColumn; partyId: AnyColumn }) {
  const publisherKind = sql<string>`split_part(${columns.partyId}, ':', 1)`;
  return or(
    ...[...decision.grants].map(([category, grant]) =>
      and(
        eq(columns.category, category),
        or(inArray(columns.partyId, [...grant.parties]), inArray(publisherKind, [...grant.partyKinds])),
      ),
    ),
  );
}

/** One page of the event history of the granted categories, newest first. */
export async function readTimeline(tx: Tx, decision: AccessDecision, page: { limit: number; page: number }) {
  const withheldCategories = decision.requested.filter((category) => !decision.grants.has(category));
  if (decision.grants.size === 0) return { events: [], withheldCategories, hasMore: false };
  const rows = await tx
    .select({
      id: statusEvents.id,
      category: statusEvents.category,
      partyId: statusEvents.partyId,
      displayName: parties.displayName,
      kind: statusEvents.kind,
      effectiveDate: statusEvents.effectiveDate,
      data: statusEvents.data,
      publishedAt: statusEvents.publishedAt,
    })
    .from(statusEvents)
    .leftJoin(parties, eq(parties.id, statusEvents.partyId))
    .where(and(eq(statusEvents.personKey, decision.personKey), allowedRows(decision, statusEvents)))
    .orderBy(desc(statusEvents.effectiveDate), desc(statusEvents.position))
    .limit(page.limit + 1)
    .offset((page.page - 1) * page.limit);
  return {
    events: rows
      .slice(0, page.limit)
      .map((row) => ({ id: row.id, category: row.category as Category, ...view(row) })),
    withheldCategories,
    hasMore: rows.length > page.limit,
  };
}

/** The audit entry of a read that returned personal data; written in the reading transaction. */
export async function auditRead(
  tx: Tx,
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
  await appendAudit(tx, {
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
