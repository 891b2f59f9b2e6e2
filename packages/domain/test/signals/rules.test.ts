import { describe, expect, it } from 'vitest';
import type { Category } from '../../src/categories';
import {
  addDays,
  addMonths,
  emptyFacts,
  evaluate,
  type SignalFacts,
  type SipFact,
  type StatusFact,
  sickListingSpans,
  type Thresholds,
} from '../../src/signals';

const kommun = 'kommun:1281';
const region = 'region:12';
const now = new Date('2026-06-15T10:00:00Z');
const today = '2026-06-15';
const ago = (days: number) => addDays(today, -days);
const ahead = (days: number) => addDays(today, days);

function status(partyId: string, kind: string, data: Record<string, unknown>, effectiveDate = ago(100)) {
  return { partyId, kind, effectiveDate, data } satisfies StatusFact;
}

function facts(
  viewer: string,
  current: Partial<Record<Category, StatusFact[]>>,
  rest: Partial<SignalFacts> = {},
) {
  return { ...emptyFacts(viewer), current, ...rest } satisfies SignalFacts;
}

const certificate = (from: string, until: string, partyId = region) =>
  status(
    partyId,
    'issued',
    {
      validFrom: from,
      validUntil: until,
      extentPercent: 100,
      issuerKind: 'primary_care',
      dfaChainComplete: true,
    },
    from,
  );
const coordination = (samordning: string, partyId = 'fk', reinforcedCooperation = false) =>
  status(partyId, 'status', { samordning, reinforcedCooperation, jointMapping: false });
const insurance = (data: Partial<Record<string, unknown>>, effectiveDate = ago(100)) =>
  status(
    'fk',
    'status',
    {
      sgi: 'zero',
      sicknessBenefit: false,
      compensation: null,
      pendingApplication: null,
      lastDecision: null,
      ...data,
    },
    effectiveDate,
  );

describe('passive-sick-listing', () => {
  const t: Thresholds = { months: 6, maxGapDays: 14 };
  const renewals = [
    certificate(ago(250), ago(160)),
    certificate(ago(150), ago(60)),
    certificate(ago(55), ahead(30)),
  ];
  const base = (current: Partial<Record<Category, StatusFact[]>> = {}, extra: Partial<SignalFacts> = {}) =>
    facts(kommun, current, { certificateHistory: renewals, ...extra });

  it('holds after N months of renewed certificates with no coordination and no SIP', () => {
    const verdict = evaluate('passive-sick-listing', base(), t, now);
    expect(verdict).toMatchObject({ holds: true, since: ago(250) });
    // It stops holding the day after the current certificate ends.
    expect(verdict.recheckAt?.toISOString().slice(0, 10)).toBe(ahead(31));
  });

  it('does not hold before N months, and says when it will', () => {
    const verdict = evaluate('passive-sick-listing', base(), { months: 12, maxGapDays: 14 }, now);
    expect(verdict.holds).toBe(false);
    expect(verdict.recheckAt?.toISOString().slice(0, 10)).toBe(ahead(31));
    const longer = { ...base(), certificateHistory: [...renewals, certificate(ahead(31), ahead(400))] };
    expect(
      evaluate('passive-sick-listing', longer, { months: 12, maxGapDays: 14 }, now).recheckAt?.toISOString(),
    ).toBe(`${addMonths(ago(250), 12)}T00:00:00.000Z`);
  });

  it('treats a gap longer than maxGapDays as a new sick-listing', () => {
    expect(evaluate('passive-sick-listing', base(), { months: 6, maxGapDays: 4 }, now).holds).toBe(false);
  });

  it('does not hold with a coordination case, reinforced cooperation or an open SIP', () => {
    expect(
      evaluate('passive-sick-listing', base({ coordination: [coordination('applied')] }), t, now).holds,
    ).toBe(false);
    expect(
      evaluate('passive-sick-listing', base({ coordination: [coordination('granted')] }), t, now).holds,
    ).toBe(false);
    expect(
      evaluate('passive-sick-listing', base({ coordination: [coordination('none', 'af', true)] }), t, now)
        .holds,
    ).toBe(false);
    expect(evaluate('passive-sick-listing', base({}, { anyOpenSip: true }), t, now).holds).toBe(false);
    // A rejected or closed case is not a case being driven.
    expect(
      evaluate('passive-sick-listing', base({ coordination: [coordination('rejected')] }), t, now).holds,
    ).toBe(true);
  });

  it('does not hold once the region ends the certificate', () => {
    const ended = {
      ...base(),
      certificateHistory: [...renewals, status(region, 'ended', { endedOn: ago(2) }, ago(2))],
    };
    expect(evaluate('passive-sick-listing', ended, t, now).holds).toBe(false);
  });

  it('joins overlapping and adjacent certificates into spans', () => {
    expect(
      sickListingSpans([certificate('2026-01-01', '2026-01-31'), certificate('2026-02-01', '2026-02-28')], 0),
    ).toEqual([{ from: '2026-01-01', until: '2026-02-28' }]);
    expect(
      sickListingSpans([certificate('2026-01-01', '2026-01-31'), certificate('2026-02-02', '2026-02-28')], 0),
    ).toHaveLength(2);
  });
});

describe('incapacity-without-care', () => {
  const reported = status(kommun, 'reported_without_care_contact', { reportedOn: ago(40) });
  it('holds N days after the kommun recorded incapacity, with no care contact', () => {
    expect(
      evaluate('incapacity-without-care', facts(region, { incapacity: [reported] }), { days: 30 }, now),
    ).toMatchObject({
      holds: true,
      since: ago(40),
    });
    const suspected = status(kommun, 'suspected_by_social_worker', { notedOn: ago(10) });
    const verdict = evaluate(
      'incapacity-without-care',
      facts(kommun, { incapacity: [suspected] }),
      { days: 30 },
      now,
    );
    expect(verdict.holds).toBe(false);
    expect(verdict.recheckAt?.toISOString().slice(0, 10)).toBe(ahead(20));
  });

  it('clears with care contact, or when the kommun resolves it', () => {
    const care = status(region, 'in_contact', { setting: 'primary_care', rehabCoordinator: false });
    expect(
      evaluate('incapacity-without-care', facts(kommun, { incapacity: [reported], care: [care] }), {}, now)
        .holds,
    ).toBe(false);
    const noContact = status(region, 'no_contact', {});
    expect(
      evaluate(
        'incapacity-without-care',
        facts(kommun, { incapacity: [reported], care: [noContact] }),
        { days: 30 },
        now,
      ).holds,
    ).toBe(true);
    const resolved = status(kommun, 'resolved', { resolvedOn: ago(1) });
    expect(
      evaluate('incapacity-without-care', facts(kommun, { incapacity: [resolved] }), {}, now).holds,
    ).toBe(false);
  });
});

describe('sgi-zero-without-coordination', () => {
  const situation = {
    insurance: [insurance({}, ago(60))],
    certificate: [certificate(ago(30), ahead(30))],
    assistance: [
      status(kommun, 'active', { extent: 'full', since: ago(400), obstacle: 'sick_with_certificate' }),
    ],
  };
  it('holds for FK when SGI is zero, a certificate is valid and assistance is active, with no assessment', () => {
    expect(
      evaluate('sgi-zero-without-coordination', facts('fk', situation), { graceDays: 14 }, now),
    ).toMatchObject({
      holds: true,
      since: ago(30),
    });
    expect(
      evaluate(
        'sgi-zero-without-coordination',
        facts('fk', { ...situation, coordination: [coordination('none')] }),
        {},
        now,
      ).holds,
    ).toBe(true);
  });

  it('waits graceDays from when the last piece fell into place', () => {
    const verdict = evaluate('sgi-zero-without-coordination', facts('fk', situation), { graceDays: 45 }, now);
    expect(verdict.holds).toBe(false);
    expect(verdict.recheckAt?.toISOString().slice(0, 10)).toBe(ahead(15));
  });

  it('does not hold once FK has assessed coordination, or without any one piece', () => {
    for (const samordning of ['applied', 'granted', 'rejected', 'closed']) {
      const with_ = facts('fk', { ...situation, coordination: [coordination(samordning)] });
      expect(evaluate('sgi-zero-without-coordination', with_, {}, now).holds).toBe(false);
    }
    // AF's coordination status is not FK's assessment.
    const af = facts('fk', { ...situation, coordination: [coordination('applied', 'af')] });
    expect(evaluate('sgi-zero-without-coordination', af, {}, now).holds).toBe(true);
    expect(
      evaluate(
        'sgi-zero-without-coordination',
        facts('fk', { ...situation, insurance: [insurance({ sgi: 'positive' })] }),
        {},
        now,
      ).holds,
    ).toBe(false);
    expect(
      evaluate(
        'sgi-zero-without-coordination',
        facts('fk', { ...situation, certificate: [certificate(ago(90), ago(1))] }),
        {},
        now,
      ).holds,
    ).toBe(false);
    expect(
      evaluate('sgi-zero-without-coordination', facts('fk', { ...situation, assistance: [] }), {}, now).holds,
    ).toBe(false);
  });
});

describe('impediment-without-certificate', () => {
  const registered = (withImpediment: boolean, since?: string) =>
    status('af', 'registered', {
      activelySeeking: false,
      withImpediment,
      programme: null,
      activitySupport: false,
      ...(since ? { since } : {}),
    });
  it('holds graceDays after registration with an impediment and no certificate', () => {
    expect(
      evaluate(
        'impediment-without-certificate',
        facts(kommun, { employment: [registered(true, ago(20))] }),
        { graceDays: 14 },
        now,
      ),
    ).toMatchObject({ holds: true, since: ago(20) });
    expect(
      evaluate(
        'impediment-without-certificate',
        facts('af', { employment: [registered(false, ago(20))] }),
        {},
        now,
      ).holds,
    ).toBe(false);
  });

  it('counts from the day after the last certificate ended, and not while one is valid', () => {
    const lapsed = facts('af', {
      employment: [registered(true, ago(100))],
      certificate: [certificate(ago(60), ago(10))],
    });
    const verdict = evaluate('impediment-without-certificate', lapsed, { graceDays: 14 }, now);
    expect(verdict.holds).toBe(false);
    expect(verdict.recheckAt?.toISOString().slice(0, 10)).toBe(ahead(5));
    expect(evaluate('impediment-without-certificate', lapsed, { graceDays: 5 }, now)).toMatchObject({
      holds: true,
      since: ago(9),
    });
    const valid = facts('af', {
      employment: [registered(true, ago(100))],
      certificate: [certificate(ago(5), ahead(5))],
    });
    expect(evaluate('impediment-without-certificate', valid, { graceDays: 0 }, now).holds).toBe(false);
  });
});

describe('rejected-compensation-without-plan', () => {
  const rejected = (benefit: string, decidedOn: string, pendingApplication: unknown = null) =>
    insurance({ lastDecision: { benefit, outcome: 'rejected', decidedOn }, pendingApplication });
  it('holds N days after a rejected compensation application with no new plan', () => {
    expect(
      evaluate(
        'rejected-compensation-without-plan',
        facts(kommun, { insurance: [rejected('sickness_compensation', ago(40))] }),
        { days: 30 },
        now,
      ),
    ).toMatchObject({ holds: true, since: ago(40) });
    // A rejected sickness benefit is not a rejected compensation.
    expect(
      evaluate(
        'rejected-compensation-without-plan',
        facts(kommun, { insurance: [rejected('sickness_benefit', ago(40))] }),
        {},
        now,
      ).holds,
    ).toBe(false);
  });

  it('clears with a new plan after the rejection, or a new application', () => {
    const plan = status(kommun, 'plan_active', { activity: 'mapping', since: ago(5) }, ago(5));
    const oldPlan = status('af', 'plan_active', { activity: 'mapping', since: ago(90) }, ago(90));
    const insured = [rejected('activity_compensation', ago(40))];
    expect(
      evaluate(
        'rejected-compensation-without-plan',
        facts(kommun, { insurance: insured, planning: [plan] }),
        {},
        now,
      ).holds,
    ).toBe(false);
    expect(
      evaluate(
        'rejected-compensation-without-plan',
        facts(kommun, { insurance: insured, planning: [oldPlan] }),
        { days: 30 },
        now,
      ).holds,
    ).toBe(true);
    const reapplied = [
      rejected('activity_compensation', ago(40), { benefit: 'activity_compensation', appliedOn: ago(3) }),
    ];
    expect(
      evaluate('rejected-compensation-without-plan', facts(kommun, { insurance: reapplied }), {}, now).holds,
    ).toBe(false);
  });
});

describe('certificate-expiring-under-plan', () => {
  const plan = (partyId: string, activity = 'work_oriented_rehabilitation') =>
    status(partyId, 'plan_active', { activity, since: ago(30) });
  it('tells the region about its certificate and the kommun about its plan', () => {
    const current = { certificate: [certificate(ago(60), ahead(10))], planning: [plan(kommun)] };
    expect(
      evaluate('certificate-expiring-under-plan', facts(region, current), { days: 14 }, now),
    ).toMatchObject({
      holds: true,
      since: ago(4),
    });
    expect(evaluate('certificate-expiring-under-plan', facts(kommun, current), { days: 14 }, now).holds).toBe(
      true,
    );
    // Not AF: the plan is the kommun's. Not another region: the certificate is region:12's.
    expect(evaluate('certificate-expiring-under-plan', facts('af', current), { days: 14 }, now).holds).toBe(
      false,
    );
    expect(
      evaluate('certificate-expiring-under-plan', facts('region:13', current), { days: 14 }, now).holds,
    ).toBe(false);
  });

  it('waits until N days before the end, and ignores plans that do not rest on a certificate', () => {
    const current = { certificate: [certificate(ago(60), ahead(40))], planning: [plan(kommun)] };
    const verdict = evaluate('certificate-expiring-under-plan', facts(region, current), { days: 14 }, now);
    expect(verdict.holds).toBe(false);
    expect(verdict.recheckAt?.toISOString().slice(0, 10)).toBe(ahead(26));
    const studies = { certificate: [certificate(ago(60), ahead(10))], planning: [plan(kommun, 'studies')] };
    expect(evaluate('certificate-expiring-under-plan', facts(region, studies), { days: 14 }, now).holds).toBe(
      false,
    );
  });
});

describe('sip-follow-up-missed', () => {
  const sip = (overrides: Partial<SipFact> = {}): SipFact => ({
    id: '00000000-0000-4000-8000-000000000001',
    phase: 'coordination',
    participants: [kommun, region],
    principalParty: kommun,
    coordinatorParty: region,
    nextFollowUpOn: ago(10),
    openedOn: ago(200),
    meetings: [{ startsOn: ago(150), cancelled: false }],
    ...overrides,
  });
  it('tells the principal and the coordinator when the follow-up date passed without a meeting', () => {
    for (const viewer of [kommun, region]) {
      expect(
        evaluate('sip-follow-up-missed', facts(viewer, {}, { sips: [sip()] }), { graceDays: 7 }, now),
      ).toMatchObject({
        holds: true,
        since: ago(10),
        references: { sipId: sip().id },
      });
    }
    expect(
      evaluate(
        'sip-follow-up-missed',
        facts('fk', {}, { sips: [sip({ participants: [kommun, region, 'fk'] })] }),
        {},
        now,
      ).holds,
    ).toBe(false);
  });

  it('clears when a follow-up meeting is booked or held, and respects graceDays', () => {
    const booked = sip({ meetings: [{ startsOn: ahead(3), cancelled: false }] });
    expect(evaluate('sip-follow-up-missed', facts(kommun, {}, { sips: [booked] }), {}, now).holds).toBe(
      false,
    );
    const cancelled = sip({ meetings: [{ startsOn: ahead(3), cancelled: true }] });
    expect(evaluate('sip-follow-up-missed', facts(kommun, {}, { sips: [cancelled] }), {}, now).holds).toBe(
      true,
    );
    expect(
      evaluate('sip-follow-up-missed', facts(kommun, {}, { sips: [sip()] }), { graceDays: 20 }, now).holds,
    ).toBe(false);
  });

  it('holds when a SIP in coordination has had no follow-up date for unbookedDays after its last meeting', () => {
    const unbooked = sip({ nextFollowUpOn: null, meetings: [{ startsOn: ago(45), cancelled: false }] });
    expect(
      evaluate('sip-follow-up-missed', facts(kommun, {}, { sips: [unbooked] }), { unbookedDays: 30 }, now),
    ).toMatchObject({
      holds: true,
      since: ago(45),
    });
    expect(
      evaluate(
        'sip-follow-up-missed',
        facts(kommun, {}, { sips: [{ ...unbooked, phase: 'meeting' }] }),
        {},
        now,
      ).holds,
    ).toBe(false);
  });
});

describe('thresholds', () => {
  it('fall back to the catalogue default when left out or out of bounds', () => {
    const reported = status(kommun, 'reported_without_care_contact', { reportedOn: ago(31) });
    const situation = facts(kommun, { incapacity: [reported] });
    expect(evaluate('incapacity-without-care', situation, {}, now).holds).toBe(true);
    expect(evaluate('incapacity-without-care', situation, { days: 0 }, now).holds).toBe(true);
    expect(evaluate('incapacity-without-care', situation, { days: 60 }, now).holds).toBe(false);
  });
});
