import type { Category } from './categories';
import { isPartyKind, type PartyKind, partyKindOf } from './parties';

/** What a consent may be given for (DOMAIN.md, "Consent"). */
export const consentPurposes = ['sip', 'coordination', 'consultation', 'follow_up'] as const;
export type ConsentPurpose = (typeof consentPurposes)[number];

/**
 * Purposes that rest on a statute instead of consent, such as a kommun assessing an application for
 * assistance (SoL 11 kap. 11 §). Only a registered statutory basis can open them.
 */
export const statutoryPurposes = ['assistance_assessment'] as const;
export const purposes = [...consentPurposes, ...statutoryPurposes] as const;
export type Purpose = (typeof purposes)[number];

export const representativeKinds = ['ombud', 'god_man', 'forvaltare', 'narstaende'] as const;
export type RepresentativeKind = (typeof representativeKinds)[number];

export const consentForms = ['written', 'oral_documented'] as const;

/**
 * The legal bases a processing rests on. In Swedish law a consent only lifts secrecy between the
 * agencies (OSL 10 kap. 1 §); the processing itself needs a basis of its own, recorded with every
 * consent and every access.
 */
export const legalBases = {
  'public-task-social-protection': 'GDPR art. 6.1 e and art. 9.2 b (social protection law: SoL, SFB)',
  'public-task-health-care': 'GDPR art. 6.1 e and art. 9.2 h (health and social care: HSL, PDL, SoL)',
  'public-task-employment': 'GDPR art. 6.1 e and art. 9.2 b (labour-market policy)',
  'public-task-follow-up': 'GDPR art. 6.1 e and art. 9.2 j (Finsam follow-up and statistics)',
} as const;
export type LegalBasis = keyof typeof legalBases;
export const legalBasisCodes = Object.keys(legalBases) as [LegalBasis, ...LegalBasis[]];

/** Conditions a statutory basis may require, checked against the exchange's own data. */
export const statutoryConditions = ['active_assistance_at_requester'] as const;
export type StatutoryCondition = (typeof statutoryConditions)[number];

export interface ConsentTerms {
  id: string;
  parties: readonly string[];
  categories: readonly string[];
  purposes: readonly string[];
  validFrom: Date;
  validUntil: Date;
  revokedAt: Date | null;
  /** The legal basis the processing rests on, recorded with every access that relies on the consent. */
  legalBasis?: string;
}

export type ConsentState = 'not_yet_valid' | 'valid' | 'expired' | 'revoked';

export function consentState(
  consent: Pick<ConsentTerms, 'validFrom' | 'validUntil' | 'revokedAt'>,
  at: Date,
) {
  if (consent.revokedAt && consent.revokedAt <= at) return 'revoked' satisfies ConsentState;
  if (at < consent.validFrom) return 'not_yet_valid' satisfies ConsentState;
  if (at >= consent.validUntil) return 'expired' satisfies ConsentState;
  return 'valid' satisfies ConsentState;
}

export interface AccessRequest {
  requester: string;
  publisher: string;
  category: Category;
  purpose: Purpose;
  at: Date;
}

/** A consent covers an exchange when it is valid now and names both parties, the category and the purpose. */
export function consentCovers(consent: ConsentTerms, request: AccessRequest): boolean {
  return (
    consentState(consent, request.at) === 'valid' &&
    consent.parties.includes(request.requester) &&
    consent.parties.includes(request.publisher) &&
    consent.categories.includes(request.category) &&
    consent.purposes.includes(request.purpose)
  );
}

/** A registered statute that opens a flow without consent, under conditions. */
export interface StatutoryBasis {
  id: string;
  reference: string;
  requesterKinds: readonly string[];
  publisherKinds: readonly string[];
  categories: readonly string[];
  purposes: readonly string[];
  conditions: readonly StatutoryCondition[];
}

/** What a requester may read of one category, and on what grounds. */
export interface CategoryGrant {
  /** Publishing parties named together with the requester in a covering consent. */
  parties: Set<string>;
  /** Publishing party kinds opened by a statutory basis. */
  partyKinds: Set<PartyKind>;
  consentIds: string[];
  basisIds: string[];
}

/**
 * Decides, per requested category, which publishers' statuses the requester may read now. A category
 * with no grant is withheld. Statutory bases count only when all their conditions hold.
 */
export function planAccess(input: {
  requester: string;
  purpose: Purpose;
  categories: readonly Category[];
  consents: readonly ConsentTerms[];
  bases: readonly StatutoryBasis[];
  conditionsMet: ReadonlySet<StatutoryCondition>;
  at: Date;
}): Map<Category, CategoryGrant> {
  const requesterKind = partyKindOf(input.requester);
  const grants = new Map<Category, CategoryGrant>();
  for (const category of input.categories) {
    const grant: CategoryGrant = { parties: new Set(), partyKinds: new Set(), consentIds: [], basisIds: [] };
    for (const consent of input.consents) {
      const covering = consent.parties.filter((publisher) =>
        consentCovers(consent, {
          requester: input.requester,
          publisher,
          category,
          purpose: input.purpose,
          at: input.at,
        }),
      );
      if (covering.length === 0) continue;
      for (const publisher of covering) grant.parties.add(publisher);
      grant.consentIds.push(consent.id);
    }
    for (const basis of input.bases) {
      const applies =
        requesterKind !== undefined &&
        basis.requesterKinds.includes(requesterKind) &&
        basis.categories.includes(category) &&
        basis.purposes.includes(input.purpose) &&
        basis.conditions.every((condition) => input.conditionsMet.has(condition));
      if (!applies) continue;
      for (const kind of basis.publisherKinds) if (isPartyKind(kind)) grant.partyKinds.add(kind);
      grant.basisIds.push(basis.id);
    }
    if (grant.consentIds.length > 0 || grant.basisIds.length > 0) grants.set(category, grant);
  }
  return grants;
}
