import type { AgencyCaller, PersonVault } from '@samsyn/auth';
import { type CurrentStatusRow, loadAccessFacts, type SqlClient } from '@samsyn/db';
import {
  type Category,
  type CategoryGrant,
  categories,
  type Purpose,
  parsePersonNumber,
  partyKindOf,
  planAccess,
} from '@samsyn/domain';
import { ProblemError } from '@samsyn/http';

export interface AccessDecision {
  personKey: string;
  requested: readonly Category[];
  grants: Map<Category, CategoryGrant>;
  /** For the audit record: what the read relied on. */
  consentIds: string[];
  basisIds: string[];
  /** The legal bases of the consents and the statutes relied on, for the audit record. */
  legalBasis: string | null;
}

/**
 * Decides inside the reading transaction what the requester may see of the person, from the
 * consents and statutory bases valid at this moment: a revocation committed before this transaction
 * began is always seen. With `withStatuses`, the person's current statuses come from the same
 * statement, still unfiltered: only `grantedStatuses` may pass them on.
 */
export async function decideAccess(
  sql: SqlClient,
  persons: PersonVault,
  caller: AgencyCaller,
  query: { personnummer: string; purpose: Purpose; categories?: Category[] | undefined },
  options: { withStatuses: boolean } = { withStatuses: false },
): Promise<{ decision: AccessDecision; statuses: CurrentStatusRow[] }> {
  const parsed = parsePersonNumber(query.personnummer);
  if (!parsed.ok) throw new ProblemError('invalid-personnummer');
  const personKey = persons.keyOf(parsed.value.normalised);
  const requested = query.categories ? [...new Set(query.categories)] : [...categories];
  const at = new Date();
  const facts = await loadAccessFacts(sql, {
    personKey,
    requester: caller.partyId,
    at,
    withStatuses: options.withStatuses,
  });
  const grants = planAccess({
    requester: caller.partyId,
    purpose: query.purpose,
    categories: requested,
    consents: facts.consents,
    bases: facts.bases,
    conditionsMet: facts.conditionsMet,
    at,
  });
  const consentIds = new Set<string>();
  const basisIds = new Set<string>();
  for (const grant of grants.values()) {
    for (const id of grant.consentIds) consentIds.add(id);
    for (const id of grant.basisIds) basisIds.add(id);
  }
  const legalBases = new Set<string>();
  for (const consent of facts.consents)
    if (consentIds.has(consent.id) && consent.legalBasis) legalBases.add(consent.legalBasis);
  for (const basis of facts.bases) if (basisIds.has(basis.id)) legalBases.add(basis.reference);
  const decision = {
    personKey,
    requested,
    grants,
    consentIds: [...consentIds],
    basisIds: [...basisIds],
    legalBasis: legalBases.size > 0 ? [...legalBases].sort().join('; ') : null,
  };
  return { decision, statuses: facts.statuses };
}

/** Whether the decision lets a status of this category from this publisher through. */
export function allows(decision: AccessDecision, row: { category: string; partyId: string }): boolean {
  const grant = decision.grants.get(row.category as Category);
  if (!grant) return false;
  const kind = partyKindOf(row.partyId);
  return grant.parties.has(row.partyId) || (kind !== undefined && grant.partyKinds.has(kind));
}
