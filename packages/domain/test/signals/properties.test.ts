import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Category, categories } from '../../src/categories';
import {
  addDays,
  evaluate,
  ruleOf,
  type SignalFacts,
  type SignalRuleId,
  type SipFact,
  type StatusFact,
  signalRuleIds,
} from '../../src/signals';

/**
 * Properties every rule must have, over random cases built from the category schemas' own values:
 * the engine trusts `recheckAt` to skip a person until then, and trusts a rule to read nothing but
 * the categories its consent check covered.
 */
const base = '2026-06-01';
const day = fc.integer({ min: -250, max: 250 }).map((offset) => addDays(base, offset));
const parties = ['kommun:1281', 'kommun:1280', 'region:12', 'region:13', 'fk', 'af'] as const;
const publisher = fc.constantFrom(...parties);

const certificateEvent: fc.Arbitrary<StatusFact> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({
        partyId: fc.constantFrom('region:12', 'region:13'),
        from: day,
        length: fc.integer({ min: 0, max: 300 }),
      })
      .map(({ partyId, from, length }) => ({
        partyId,
        kind: 'issued',
        effectiveDate: from,
        data: {
          validFrom: from,
          validUntil: addDays(from, length),
          extentPercent: 50,
          issuerKind: 'psychiatry',
          dfaChainComplete: false,
        },
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ partyId: fc.constantFrom('region:12', 'region:13'), on: day })
      .map(({ partyId, on }) => ({ partyId, kind: 'ended', effectiveDate: on, data: { endedOn: on } })),
  },
);

const decision = fc.option(
  fc.record({
    benefit: fc.constantFrom('sickness_compensation', 'activity_compensation', 'sickness_benefit'),
    outcome: fc.constantFrom('rejected', 'rejected', 'granted'),
    decidedOn: day,
  }),
);

/** One random current status of a category, shaped by the category's schema. */
const statusOf: Record<Category, fc.Arbitrary<StatusFact>> = {
  assistance: fc
    .record({ partyId: fc.constantFrom('kommun:1281', 'kommun:1280'), since: day, at: day })
    .map((s) => ({
      partyId: s.partyId,
      kind: 'active',
      effectiveDate: s.at,
      data: { extent: 'full', since: s.since, obstacle: 'sick_with_certificate' },
    })),
  planning: fc
    .record({
      partyId: fc.constantFrom('kommun:1281', 'af'),
      kind: fc.constantFrom('plan_active', 'plan_active', 'need_assessed', 'plan_ended'),
      activity: fc.constantFrom(
        'work_oriented_rehabilitation',
        'work_training',
        'medical_rehabilitation',
        'studies',
      ),
      on: day,
      at: day,
    })
    .map((s) => ({
      partyId: s.partyId,
      kind: s.kind,
      effectiveDate: s.at,
      data:
        s.kind === 'plan_active'
          ? { activity: s.activity, since: s.on }
          : s.kind === 'need_assessed'
            ? { needGroup: 'AM3', assessedOn: s.on }
            : { endedOn: s.on, outcome: 'next_step' },
    })),
  incapacity: fc
    .record({
      kind: fc.constantFrom('reported_without_care_contact', 'suspected_by_social_worker', 'resolved'),
      on: day,
    })
    .map((s) => ({
      partyId: 'kommun:1281',
      kind: s.kind,
      effectiveDate: s.on,
      data:
        s.kind === 'reported_without_care_contact'
          ? { reportedOn: s.on }
          : s.kind === 'suspected_by_social_worker'
            ? { notedOn: s.on }
            : { resolvedOn: s.on },
    })),
  care: fc.record({ kind: fc.constantFrom('in_contact', 'no_contact', 'no_contact'), at: day }).map((s) => ({
    partyId: 'region:12',
    kind: s.kind,
    effectiveDate: s.at,
    data: s.kind === 'in_contact' ? { setting: 'primary_care', rehabCoordinator: false } : {},
  })),
  certificate: certificateEvent,
  diagnosis: day.map((at) => ({
    partyId: 'region:12',
    kind: 'recorded',
    effectiveDate: at,
    data: { codes: ['F32.1'] },
  })),
  insurance: fc
    .record({
      sgi: fc.constantFrom('zero', 'zero', 'positive', 'unknown'),
      lastDecision: decision,
      appliedOn: fc.option(day),
      at: day,
    })
    .map((s) => ({
      partyId: 'fk',
      kind: 'status',
      effectiveDate: s.at,
      data: {
        sgi: s.sgi,
        sicknessBenefit: false,
        compensation: null,
        pendingApplication: s.appliedOn ? { benefit: 'sickness_compensation', appliedOn: s.appliedOn } : null,
        lastDecision: s.lastDecision,
      },
    })),
  coordination: fc
    .record({
      partyId: fc.constantFrom('fk', 'af', 'af'),
      samordning: fc.constantFrom('none', 'none', 'none', 'applied', 'granted', 'rejected', 'closed'),
      reinforcedCooperation: fc.boolean(),
      at: day,
    })
    .map((s) => ({
      partyId: s.partyId,
      kind: 'status',
      effectiveDate: s.at,
      data: { samordning: s.samordning, reinforcedCooperation: s.reinforcedCooperation, jointMapping: false },
    })),
  employment: fc
    .record({ withImpediment: fc.constantFrom(true, true, false), since: fc.option(day), at: day })
    .map((s) => ({
      partyId: 'af',
      kind: 'registered',
      effectiveDate: s.at,
      data: {
        activelySeeking: false,
        withImpediment: s.withImpediment,
        programme: null,
        activitySupport: false,
        ...(s.since ? { since: s.since } : {}),
      },
    })),
};

const sipFact: fc.Arbitrary<SipFact> = fc
  .record({
    id: fc.uuid(),
    phase: fc.constantFrom('consent_and_participation', 'meeting', 'coordination', 'follow_up'),
    principalParty: fc.constantFrom('kommun:1281', 'region:12'),
    coordinatorParty: publisher,
    nextFollowUpOn: fc.option(day),
    openedOn: day,
    meetings: fc.array(fc.record({ startsOn: day, cancelled: fc.boolean() }), { maxLength: 3 }),
  })
  .map((s) => ({ ...s, participants: [s.principalParty, s.coordinatorParty] }));

const current = fc.record(
  Object.fromEntries(
    categories.map((category) => [category, fc.array(statusOf[category], { minLength: 1, maxLength: 2 })]),
  ) as {
    [C in Category]: fc.Arbitrary<StatusFact[]>;
  },
  { requiredKeys: [] },
);

const signalFacts: fc.Arbitrary<SignalFacts> = fc.record({
  viewer: publisher,
  current,
  certificateHistory: fc.array(certificateEvent, { maxLength: 6 }),
  sips: fc.array(sipFact, { maxLength: 2 }),
  anyOpenSip: fc.boolean(),
});

const ruleAndThresholds = fc.constantFrom(...signalRuleIds).chain((rule) =>
  fc
    .record(
      Object.fromEntries(
        Object.entries(ruleOf(rule).thresholds).map(([key, spec]) => [
          key,
          // Mostly small values, so that random cases often meet the time conditions too.
          fc.oneof(
            fc.integer({ min: spec.min, max: Math.min(spec.max, spec.min + 3) }),
            fc.integer({ min: spec.min, max: spec.max }),
          ),
        ]),
      ),
    )
    .map((thresholds) => ({ rule, thresholds })),
);

const instant = fc
  .integer({ min: -200 * 24, max: 250 * 24 })
  .map((hours) => new Date(Date.parse(`${base}T00:00:00Z`) + hours * 3_600_000));

describe('every rule', () => {
  it('gives the same answer at every moment before its recheckAt', () => {
    fc.assert(
      fc.property(
        signalFacts,
        ruleAndThresholds,
        instant,
        fc.integer({ min: 1, max: 600 * 24 }),
        (facts, { rule, thresholds }, now, laterHours) => {
          const verdict = evaluate(rule, facts, thresholds, now);
          if (verdict.recheckAt !== null) expect(verdict.recheckAt.getTime()).toBeGreaterThan(now.getTime());
          const later = new Date(now.getTime() + laterHours * 3_600_000);
          if (verdict.recheckAt !== null && later >= verdict.recheckAt) return;
          const then = evaluate(rule, facts, thresholds, later);
          expect(then.holds).toBe(verdict.holds);
          if (then.holds && verdict.holds) expect(then.since).toBe(verdict.since);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('reads nothing but the categories it declares (and SIPs only as declared)', () => {
    fc.assert(
      fc.property(
        signalFacts,
        signalFacts,
        ruleAndThresholds,
        instant,
        (facts, other, { rule, thresholds }, now) => {
          const definition = ruleOf(rule);
          const reads = new Set<Category>(definition.reads);
          // Everything the rule does not read comes from another random case.
          const mixed: SignalFacts = {
            viewer: facts.viewer,
            current: Object.fromEntries(
              categories.map((category) => [
                category,
                (reads.has(category) ? facts : other).current[category] ?? [],
              ]),
            ),
            certificateHistory: reads.has('certificate')
              ? facts.certificateHistory
              : other.certificateHistory,
            sips: definition.sips === 'participating' ? facts.sips : other.sips,
            anyOpenSip: definition.sips === 'existence' ? facts.anyOpenSip : other.anyOpenSip,
          };
          const verdict = evaluate(rule, facts, thresholds, now);
          expect(evaluate(rule, mixed, thresholds, now)).toEqual(verdict);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('holds from a day no later than today', () => {
    fc.assert(
      fc.property(signalFacts, ruleAndThresholds, instant, (facts, { rule, thresholds }, now) => {
        const verdict = evaluate(rule, facts, thresholds, now);
        if (verdict.holds) expect(verdict.since <= now.toISOString().slice(0, 10)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the catalogue', () => {
  it.each(signalRuleIds)(
    '%s informs only party kinds that can publish or take part, with defaults inside their bounds',
    (rule: SignalRuleId) => {
      const definition = ruleOf(rule);
      expect(definition.informs.length).toBeGreaterThan(0);
      expect(definition.informs).not.toContain('forbund');
      for (const spec of Object.values(definition.thresholds)) {
        expect(spec.min).toBeLessThanOrEqual(spec.default);
        expect(spec.default).toBeLessThanOrEqual(spec.max);
      }
      for (const text of [definition.explanation.sv, definition.explanation.en]) {
        for (const [, key] of text.matchAll(/\{(\w+)\}/g))
          expect(Object.keys(definition.thresholds)).toContain(key);
      }
    },
  );
});
