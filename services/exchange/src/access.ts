import type { AgencyCaller, PersonVault } from '@samsyn/auth';
import { activeStatutoryBases, consentTermsNaming, statutoryConditionsMet, type Tx } from '@samsyn/db';
import {
  type Category,
  type CategoryGrant,
  categories,
  type Purpose,
  parsePersonNumber,
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
 * began is always seen.
 */
export async function decideAccess(
  tx: Tx,
  persons: PersonVault,
  caller: AgencyCaller,
  query: { personnummer: string; purpose: Purpose; categories?: Category[] | undefined },
): Promise<AccessDecision> {
  const parsed = parsePersonNumber(query.personnummer);
  if (!parsed.ok) throw new ProblemError('invalid-personnummer');
  const personKey = persons.keyOf(parsed.value.normalised);
  const requested = query.categories ? [...new Set(query.categories)] : [...categories];
  const at = new Date();
  const [consents, bases] = await Promise.all([
    consentTermsNaming(tx, personKey, caller.partyId, at),
    activeStatutoryBases(tx),
  ]);
  const conditionsMet =
    bases.length > 0 ? await statutoryConditionsMet(tx, personKey, caller.partyId) : new Set<never>();
  const grants = planAccess({
    requester: caller.partyId,
    purpose: query.purpose,
    categories: requested,
    consents,
    bases,
    conditionsMet,
    at,
  });
  const consentIds = new Set<string>();
  const basisIds = new Set<string>();
  for (const grant of grants.values()) {
    for (const id of grant.consentIds) consentIds.add(id);
    for (const id of grant.basisIds) basisIds.add(id);
  }
  const legalBases = new Set<string>();
  for (const consent of consents)
    if (consentIds.has(consent.id) && consent.legalBasis) legalBases.add(consent.legalBasis);
  for (const basis of bases) if (basisIds.has(basis.id)) legalBases.add(basis.reference);
  return {
    personKey,
    requested,
    grants,
    consentIds: [...consentIds],
    basisIds: [...basisIds],
    legalBasis: legalBases.size > 0 ? [...legalBases].sort().join('; ') : null,
  };
}
