import { describe, expect, it } from 'vitest';
import type { Category } from '../src/categories';
import {
  type AccessRequest,
  type CategoryGrant,
  type ConsentTerms,
  consentCovers,
  consentState,
  planAccess,
  type StatutoryBasis,
  type StatutoryCondition,
} from '../src/consent';

const now = new Date('2026-06-15T12:00:00Z');
const day = 24 * 60 * 60 * 1000;
const daysFromNow = (days: number) => new Date(now.getTime() + days * day);

function consent(overrides: Partial<ConsentTerms> = {}): ConsentTerms {
  return {
    id: 'c-1',
    parties: ['kommun:1281', 'region:12'],
    categories: ['certificate', 'care'],
    purposes: ['sip'],
    validFrom: daysFromNow(-30),
    validUntil: daysFromNow(335),
    revokedAt: null,
    legalBasis: 'public-task-social-protection',
    ...overrides,
  };
}

describe('consentState', () => {
  const window = { validFrom: daysFromNow(-10), validUntil: daysFromNow(10), revokedAt: null };

  it('is not yet valid before validFrom, valid from validFrom, expired from validUntil', () => {
    expect(consentState(window, daysFromNow(-11))).toBe('not_yet_valid');
    expect(consentState(window, new Date(window.validFrom.getTime() - 1))).toBe('not_yet_valid');
    expect(consentState(window, window.validFrom)).toBe('valid');
    expect(consentState(window, now)).toBe('valid');
    expect(consentState(window, new Date(window.validUntil.getTime() - 1))).toBe('valid');
    expect(consentState(window, window.validUntil)).toBe('expired');
    expect(consentState(window, daysFromNow(100))).toBe('expired');
  });

  it('is revoked from the moment of revocation on, whatever the window says', () => {
    const revoked = { ...window, revokedAt: daysFromNow(-1) };
    expect(consentState(revoked, now)).toBe('revoked');
    expect(consentState(revoked, revoked.revokedAt)).toBe('revoked');
    expect(consentState(revoked, daysFromNow(100))).toBe('revoked');
    expect(consentState({ ...window, revokedAt: daysFromNow(-20) }, daysFromNow(-15))).toBe('revoked');
  });

  it('treats a revocation that takes effect later as not yet having happened', () => {
    const revokedLater = { ...window, revokedAt: daysFromNow(5) };
    expect(consentState(revokedLater, now)).toBe('valid');
    expect(consentState(revokedLater, new Date(revokedLater.revokedAt.getTime() - 1))).toBe('valid');
    expect(consentState(revokedLater, daysFromNow(-11))).toBe('not_yet_valid');
    expect(consentState(revokedLater, daysFromNow(5))).toBe('revoked');
  });
});

describe('consentCovers', () => {
  const request: AccessRequest = {
    requester: 'kommun:1281',
    publisher: 'region:12',
    category: 'certificate',
    purpose: 'sip',
    at: now,
  };

  it('covers when valid and naming both parties, the category and the purpose', () => {
    expect(consentCovers(consent(), request)).toBe(true);
    // Either party may be the one asking.
    expect(consentCovers(consent(), { ...request, requester: 'region:12', publisher: 'kommun:1281' })).toBe(
      true,
    );
  });

  const failing: Array<[string, ConsentTerms, AccessRequest]> = [
    ['expired', consent({ validUntil: daysFromNow(-1) }), request],
    ['not yet valid', consent({ validFrom: daysFromNow(1) }), request],
    ['revoked', consent({ revokedAt: daysFromNow(-1) }), request],
    ['wrong purpose', consent(), { ...request, purpose: 'follow_up' }],
    ['statutory purpose never in a consent', consent(), { ...request, purpose: 'assistance_assessment' }],
    ['requesting party not named', consent(), { ...request, requester: 'kommun:0581' }],
    ['publishing party not named', consent(), { ...request, publisher: 'fk' }],
    ['category not named', consent(), { ...request, category: 'diagnosis' }],
    ['neither party named', consent(), { ...request, requester: 'af', publisher: 'fk' }],
  ];
  for (const [label, terms, req] of failing) {
    it(`does not cover when ${label}`, () => {
      expect(consentCovers(terms, req)).toBe(false);
    });
  }

  it('matches party ids exactly, not by kind or prefix', () => {
    expect(consentCovers(consent(), { ...request, publisher: 'region:1' })).toBe(false);
    expect(consentCovers(consent(), { ...request, publisher: 'region' })).toBe(false);
    expect(consentCovers(consent(), { ...request, requester: 'kommun:12810' })).toBe(false);
  });

  it('covers again for every purpose and category it names', () => {
    const wide = consent({ purposes: ['sip', 'coordination'], categories: ['certificate', 'insurance'] });
    expect(consentCovers(wide, { ...request, purpose: 'coordination', category: 'insurance' })).toBe(true);
    expect(consentCovers(wide, { ...request, purpose: 'consultation' })).toBe(false);
  });
});

function grantOf(grants: Map<Category, CategoryGrant>, category: Category): CategoryGrant {
  const grant = grants.get(category);
  if (!grant) throw new Error(`expected a grant for ${category}`);
  return grant;
}

const assistanceBasis: StatutoryBasis = {
  id: 'b-sol-11-11',
  reference: 'SoL 11 kap. 11 §',
  requesterKinds: ['kommun'],
  publisherKinds: ['fk', 'af'],
  categories: ['insurance'],
  purposes: ['assistance_assessment'],
  conditions: ['active_assistance_at_requester'],
};

const met = new Set<StatutoryCondition>(['active_assistance_at_requester']);
const none = new Set<StatutoryCondition>();

describe('planAccess with consents', () => {
  const base = {
    requester: 'kommun:1281',
    purpose: 'sip' as const,
    categories: ['certificate', 'diagnosis', 'care', 'insurance'] as Category[],
    bases: [],
    conditionsMet: none,
    at: now,
  };

  it('grants the named publisher for the named categories and leaves the others out of the map', () => {
    const c = consent({ id: 'c-42', categories: ['certificate'] });
    const grants = planAccess({ ...base, consents: [c] });
    expect([...grants.keys()]).toEqual(['certificate']);
    const grant = grantOf(grants, 'certificate');
    expect(grant.parties.has('region:12')).toBe(true);
    expect(grant.consentIds).toEqual(['c-42']);
    expect(grant.partyKinds.size).toBe(0);
    expect(grant.basisIds).toEqual([]);
  });

  it('returns an empty map when nothing covers', () => {
    expect(planAccess({ ...base, consents: [] }).size).toBe(0);
    expect(planAccess({ ...base, consents: [consent({ validUntil: daysFromNow(-1) })] }).size).toBe(0);
    expect(planAccess({ ...base, consents: [consent({ revokedAt: daysFromNow(-1) })] }).size).toBe(0);
    expect(planAccess({ ...base, consents: [consent({ purposes: ['follow_up'] })] }).size).toBe(0);
    expect(
      planAccess({ ...base, requester: 'kommun:0581', consents: [consent({ categories: ['certificate'] })] })
        .size,
    ).toBe(0);
  });

  it('only answers for the categories asked about', () => {
    const grants = planAccess({ ...base, categories: ['care'], consents: [consent()] });
    expect([...grants.keys()]).toEqual(['care']);
  });

  it('never grants a publisher that the consent does not name', () => {
    const grants = planAccess({ ...base, consents: [consent({ categories: ['certificate'] })] });
    const parties = grantOf(grants, 'certificate').parties;
    expect(parties.has('fk')).toBe(false);
    expect(parties.has('region:13')).toBe(false);
    expect([...parties].every((party) => ['kommun:1281', 'region:12'].includes(party))).toBe(true);
  });

  it('unions the parties of two covering consents and lists both ids', () => {
    const grants = planAccess({
      ...base,
      consents: [
        consent({ id: 'c-1', parties: ['kommun:1281', 'region:12'], categories: ['certificate'] }),
        consent({
          id: 'c-2',
          parties: ['kommun:1281', 'region:13', 'fk'],
          categories: ['certificate', 'care'],
        }),
      ],
    });
    const certificate = grantOf(grants, 'certificate');
    for (const party of ['region:12', 'region:13', 'fk']) expect(certificate.parties.has(party)).toBe(true);
    expect(certificate.consentIds).toEqual(['c-1', 'c-2']);
    const care = grantOf(grants, 'care');
    expect(care.consentIds).toEqual(['c-2']);
    expect(care.parties.has('region:12')).toBe(false);
    expect(care.parties.has('region:13')).toBe(true);
  });

  it('leaves out a consent that does not cover and keeps one that does', () => {
    const grants = planAccess({
      ...base,
      consents: [
        consent({ id: 'c-old', parties: ['kommun:1281', 'region:13'], validUntil: daysFromNow(-1) }),
        consent({ id: 'c-new', parties: ['kommun:1281', 'region:12'] }),
      ],
    });
    const grant = grantOf(grants, 'certificate');
    expect(grant.consentIds).toEqual(['c-new']);
    expect(grant.parties.has('region:13')).toBe(false);
  });

  it('counts a revocation that takes effect later as not yet made', () => {
    const grants = planAccess({ ...base, consents: [consent({ revokedAt: daysFromNow(1) })] });
    expect(grants.has('certificate')).toBe(true);
    const later = planAccess({
      ...base,
      at: daysFromNow(2),
      consents: [consent({ revokedAt: daysFromNow(1) })],
    });
    expect(later.size).toBe(0);
  });
});

describe('planAccess with statutory bases', () => {
  const base = {
    requester: 'kommun:1281',
    purpose: 'assistance_assessment' as const,
    categories: ['insurance', 'employment', 'certificate'] as Category[],
    consents: [],
    bases: [assistanceBasis],
    at: now,
  };

  it('opens the publisher kinds when the condition holds and the purpose matches', () => {
    const grants = planAccess({ ...base, conditionsMet: met });
    expect([...grants.keys()]).toEqual(['insurance']);
    const grant = grantOf(grants, 'insurance');
    expect([...grant.partyKinds].sort()).toEqual(['af', 'fk']);
    expect(grant.basisIds).toEqual(['b-sol-11-11']);
    expect(grant.parties.size).toBe(0);
    expect(grant.consentIds).toEqual([]);
  });

  it('does nothing when the condition does not hold', () => {
    expect(planAccess({ ...base, conditionsMet: none }).size).toBe(0);
  });

  it('does nothing for another purpose', () => {
    expect(planAccess({ ...base, purpose: 'sip', conditionsMet: met }).size).toBe(0);
    expect(planAccess({ ...base, purpose: 'coordination', conditionsMet: met }).size).toBe(0);
  });

  it('does nothing for a requester of another kind, or one whose id is not a party id', () => {
    for (const requester of ['region:12', 'fk', 'af', 'forbund:ostra-ostergotland', 'kommun:12', 'nobody']) {
      expect(planAccess({ ...base, requester, conditionsMet: met }).size, requester).toBe(0);
    }
  });

  it('needs every condition it lists, and none when it lists none', () => {
    const unconditional: StatutoryBasis = { ...assistanceBasis, id: 'b-free', conditions: [] };
    const grants = planAccess({ ...base, bases: [unconditional], conditionsMet: none });
    expect(grantOf(grants, 'insurance').basisIds).toEqual(['b-free']);
  });

  it('ignores publisher kinds that are not party kinds', () => {
    const odd: StatutoryBasis = { ...assistanceBasis, publisherKinds: ['fk', 'pension', 'kommun:1281'] };
    const grant = grantOf(planAccess({ ...base, bases: [odd], conditionsMet: met }), 'insurance');
    expect([...grant.partyKinds]).toEqual(['fk']);
  });

  it('combines consents and bases for one category', () => {
    const c = consent({
      id: 'c-9',
      parties: ['kommun:1281', 'fk'],
      categories: ['insurance'],
      purposes: ['assistance_assessment'],
    });
    const grant = grantOf(planAccess({ ...base, consents: [c], conditionsMet: met }), 'insurance');
    expect(grant.consentIds).toEqual(['c-9']);
    expect(grant.basisIds).toEqual(['b-sol-11-11']);
    expect(grant.parties.has('fk')).toBe(true);
    expect([...grant.partyKinds].sort()).toEqual(['af', 'fk']);
  });

  it('lists every basis that applies', () => {
    const second: StatutoryBasis = { ...assistanceBasis, id: 'b-2', publisherKinds: ['region'] };
    const grant = grantOf(
      planAccess({ ...base, bases: [assistanceBasis, second], conditionsMet: met }),
      'insurance',
    );
    expect(grant.basisIds).toEqual(['b-sol-11-11', 'b-2']);
    expect([...grant.partyKinds].sort()).toEqual(['af', 'fk', 'region']);
  });
});
