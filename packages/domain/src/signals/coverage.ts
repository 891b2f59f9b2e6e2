import { type Category, categoryOwners } from '../categories';
import { type CategoryGrant, type ConsentTerms, consentState, planAccess } from '../consent';
import { partyKindOf } from '../parties';
import { ruleOf, type SignalRuleId } from './catalogue';

/** What a rule may read for one informed party, and on which consents. */
export type Coverage =
  | { covered: false }
  | {
      covered: true;
      /** Per category the rule reads, the publishers the consents open. */
      grants: Map<Category, CategoryGrant>;
      consentIds: string[];
    };

/**
 * Whether the person's consents let `party` read everything the rule reads, at `at`. A rule over
 * case statuses needs, for every category it reads, a consent valid now that names the party, the
 * category and the rule's purpose, and names at least one party that publishes the category: a rule
 * that fires on an absence ("no care contact") must be able to see where the presence would show. A
 * SIP rule needs a valid consent with the purpose `sip` naming the party; which SIPs it reads is then
 * limited to those the party takes part in. Statutory bases never count: a signal rests on consent.
 */
export function ruleCoverage(
  rule: SignalRuleId,
  input: { party: string; consents: readonly ConsentTerms[]; at: Date },
): Coverage {
  const definition = ruleOf(rule);
  const consentIds = new Set<string>();
  if (definition.sips === 'participating') {
    for (const consent of input.consents) {
      const valid = consentState(consent, input.at) === 'valid';
      if (valid && consent.parties.includes(input.party) && consent.purposes.includes('sip'))
        consentIds.add(consent.id);
    }
    if (consentIds.size === 0) return { covered: false };
    return { covered: true, grants: new Map(), consentIds: [...consentIds] };
  }
  const grants = planAccess({
    requester: input.party,
    purpose: definition.purpose,
    categories: definition.reads,
    consents: input.consents,
    bases: [],
    conditionsMet: new Set(),
    at: input.at,
  });
  for (const category of definition.reads) {
    const grant = grants.get(category);
    const publisherNamed = [...(grant?.parties ?? [])].some((publisher) => {
      const kind = partyKindOf(publisher);
      return kind !== undefined && categoryOwners[category].includes(kind);
    });
    if (!grant || !publisherNamed) return { covered: false };
    for (const id of grant.consentIds) consentIds.add(id);
  }
  return { covered: true, grants, consentIds: [...consentIds] };
}

/** Whether a status from `publisher` in `category` is one the coverage lets the rule read. */
export function coverageAllows(coverage: Coverage, category: string, publisher: string): boolean {
  if (!coverage.covered) return false;
  return coverage.grants.get(category as Category)?.parties.has(publisher) ?? false;
}

/**
 * Whose thresholds apply to a signal: the förbund of the person's kommun — the informed party itself
 * when it is a kommun, otherwise the kommuner named in the consents the signal rests on (a region,
 * FK and AF belong to many förbund; the person's kommun places the person in one). Where a kommun is
 * in several förbund, or several kommuner are named, the first förbund by kommun and then by id.
 * Null when none has the kommun as a member: the catalogue's defaults apply.
 */
export function thresholdsForbund(input: {
  party: string;
  consentParties: readonly string[];
  forbunds: ReadonlyArray<{ id: string; memberIds: readonly string[] }>;
}): string | null {
  const kommuner =
    partyKindOf(input.party) === 'kommun'
      ? [input.party]
      : [...new Set(input.consentParties.filter((party) => partyKindOf(party) === 'kommun'))].sort();
  const forbunds = [...input.forbunds].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const kommun of kommuner) {
    const found = forbunds.find((forbund) => forbund.memberIds.includes(kommun));
    if (found) return found.id;
  }
  return null;
}
