import type { ConsentTerms, StatutoryBasis, StatutoryCondition } from '@samsyn/domain';
import { and, arrayContains, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { consents, currentStatuses, statutoryBases } from '../schema';

/**
 * The person's consents that name `party` and are valid at `at`, as terms for the domain's access
 * decision. Filtering here only narrows the set; the domain decides.
 */
export async function consentTermsNaming(
  db: DbOrTx,
  personKey: string,
  party: string,
  at: Date,
): Promise<ConsentTerms[]> {
  return db
    .select({
      id: consents.id,
      parties: consents.parties,
      categories: consents.categories,
      purposes: consents.purposes,
      validFrom: consents.validFrom,
      validUntil: consents.validUntil,
      revokedAt: consents.revokedAt,
      legalBasis: consents.legalBasis,
    })
    .from(consents)
    .where(
      and(
        eq(consents.personKey, personKey),
        arrayContains(consents.parties, [party]),
        lte(consents.validFrom, at),
        gt(consents.validUntil, at),
        or(isNull(consents.revokedAt), gt(consents.revokedAt, at)),
      ),
    );
}

export async function activeStatutoryBases(db: DbOrTx): Promise<StatutoryBasis[]> {
  const rows = await db.select().from(statutoryBases).where(eq(statutoryBases.active, true));
  return rows.map((row) => ({
    id: row.id,
    reference: row.reference,
    requesterKinds: row.requesterKinds,
    publisherKinds: row.publisherKinds,
    categories: row.categories,
    purposes: row.purposes,
    conditions: row.conditions as StatutoryCondition[],
  }));
}

/** Which statutory conditions hold for this requester and person, from the exchange's own data. */
export async function statutoryConditionsMet(
  db: DbOrTx,
  personKey: string,
  requester: string,
): Promise<Set<StatutoryCondition>> {
  const met = new Set<StatutoryCondition>();
  const [assistance] = await db
    .select({ kind: currentStatuses.kind })
    .from(currentStatuses)
    .where(
      and(
        eq(currentStatuses.personKey, personKey),
        eq(currentStatuses.category, 'assistance'),
        eq(currentStatuses.partyId, requester),
      ),
    );
  if (assistance?.kind === 'active') met.add('active_assistance_at_requester');
  return met;
}
