import { describe, expect, it } from 'vitest';
import type { ConsentTerms } from '../../src/consent';
import {
  explain,
  resolveThresholds,
  ruleCoverage,
  thresholdSchema,
  thresholdsForbund,
} from '../../src/signals';

const at = new Date('2026-06-15T10:00:00Z');

function consent(overrides: Partial<ConsentTerms> = {}): ConsentTerms {
  return {
    id: 'c1',
    parties: ['kommun:1281', 'region:12'],
    categories: ['incapacity', 'care'],
    purposes: ['coordination'],
    validFrom: new Date('2026-01-01T00:00:00Z'),
    validUntil: new Date('2027-01-01T00:00:00Z'),
    revokedAt: null,
    ...overrides,
  };
}

describe('ruleCoverage', () => {
  it('covers a rule when one consent names the party, every category, the purpose and a publisher', () => {
    const coverage = ruleCoverage('incapacity-without-care', {
      party: 'kommun:1281',
      consents: [consent()],
      at,
    });
    expect(coverage.covered).toBe(true);
    if (coverage.covered) expect(coverage.consentIds).toEqual(['c1']);
  });

  it('does not cover without every category, the purpose, validity, or the party', () => {
    const cases: Array<Partial<ConsentTerms>> = [
      { categories: ['incapacity'] },
      { purposes: ['sip'] },
      { revokedAt: new Date('2026-06-01T00:00:00Z') },
      { validUntil: new Date('2026-06-01T00:00:00Z') },
      { validFrom: new Date('2026-07-01T00:00:00Z') },
      { parties: ['kommun:1281', 'region:13', 'fk'] },
    ];
    for (const overrides of cases) {
      expect(
        ruleCoverage('incapacity-without-care', { party: 'region:12', consents: [consent(overrides)], at })
          .covered,
      ).toBe(false);
    }
  });

  it('needs a party that publishes each category: an absence is only news where a presence could show', () => {
    // care is published by a region; a consent between the kommun and FK cannot show care contact.
    const noRegion = consent({ parties: ['kommun:1281', 'fk'] });
    expect(
      ruleCoverage('incapacity-without-care', { party: 'kommun:1281', consents: [noRegion], at }).covered,
    ).toBe(false);
  });

  it('lets two consents together cover a rule', () => {
    const first = consent({ id: 'c1', categories: ['incapacity'] });
    const second = consent({ id: 'c2', categories: ['care'] });
    const coverage = ruleCoverage('incapacity-without-care', {
      party: 'kommun:1281',
      consents: [first, second],
      at,
    });
    expect(coverage.covered && coverage.consentIds.sort()).toEqual(['c1', 'c2']);
  });

  it('covers the SIP rule with a valid consent for the purpose sip that names the party', () => {
    const sip = consent({ purposes: ['sip'], categories: [] });
    expect(ruleCoverage('sip-follow-up-missed', { party: 'region:12', consents: [sip], at }).covered).toBe(
      true,
    );
    expect(
      ruleCoverage('sip-follow-up-missed', { party: 'region:12', consents: [consent()], at }).covered,
    ).toBe(false);
    expect(ruleCoverage('sip-follow-up-missed', { party: 'fk', consents: [sip], at }).covered).toBe(false);
  });
});

describe('thresholdsForbund', () => {
  const forbunds = [
    { id: 'forbund:malmo', memberIds: ['kommun:1280', 'region:12'] },
    { id: 'forbund:lund', memberIds: ['kommun:1281', 'region:12'] },
  ];
  it('is the förbund of the kommun informed, or of the kommun the consent names', () => {
    expect(thresholdsForbund({ party: 'kommun:1281', consentParties: ['kommun:1280'], forbunds })).toBe(
      'forbund:lund',
    );
    expect(
      thresholdsForbund({ party: 'region:12', consentParties: ['kommun:1280', 'region:12'], forbunds }),
    ).toBe('forbund:malmo');
    expect(thresholdsForbund({ party: 'fk', consentParties: ['kommun:1281', 'kommun:1280'], forbunds })).toBe(
      'forbund:malmo',
    );
    expect(thresholdsForbund({ party: 'fk', consentParties: ['fk', 'af'], forbunds })).toBeNull();
  });
});

describe('thresholds', () => {
  it('validate against each rule’s bounds and keys', () => {
    expect(thresholdSchema('passive-sick-listing').safeParse({ months: 3 }).success).toBe(true);
    expect(thresholdSchema('passive-sick-listing').safeParse({ months: 0 }).success).toBe(false);
    expect(thresholdSchema('passive-sick-listing').safeParse({ months: 2.5 }).success).toBe(false);
    expect(thresholdSchema('passive-sick-listing').safeParse({ days: 3 }).success).toBe(false);
  });

  it('resolve to defaults where nothing valid is set, and fill the explanation', () => {
    expect(resolveThresholds('sip-follow-up-missed', { graceDays: 3, unbookedDays: 10_000 })).toEqual({
      graceDays: 3,
      unbookedDays: 30,
    });
    expect(explain('incapacity-without-care', { days: 12 }).en).toContain('12 days later');
    expect(explain('incapacity-without-care', { days: 12 }).sv).toContain('12 dagar senare');
  });
});
