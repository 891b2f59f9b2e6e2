import { statusKinds } from '../categories';
import { partyKindOf } from '../parties';
import { resolveThresholds, type SignalRuleId, type Thresholds } from './catalogue';
import {
  addDays,
  addMonths,
  DayClock,
  maxDay,
  minDay,
  type SignalFacts,
  type StatusFact,
  statusesOf,
} from './facts';

/** What a signal points at besides the person, for the party to look up (ids only). */
export interface SignalReferences {
  sipId?: string;
}

/**
 * A rule's answer for one person and one informed party at one moment. `since` is the day the
 * situation began (the sick-listing's first day, the rejection, the follow-up date…). `recheckAt` is
 * when the answer can next change with no new data — only the passing of time — or null if never.
 */
export type Verdict =
  | { holds: true; since: string; references: SignalReferences; recheckAt: Date | null }
  | { holds: false; recheckAt: Date | null };

type Evaluator = (facts: SignalFacts, value: (key: string) => number, clock: DayClock) => Verdict;

function no(clock: DayClock): Verdict {
  return { holds: false, recheckAt: clock.nextChange() };
}

function yes(clock: DayClock, since: string, references: SignalReferences = {}): Verdict {
  return { holds: true, since, references, recheckAt: clock.nextChange() };
}

const fromFk = (status: { partyId: string }) => partyKindOf(status.partyId) === 'fk';

/**
 * A coordination case someone is driving: FK's samordning applied for or granted, or FK and AF in
 * reinforced cooperation. A rejected or closed case is an assessment made, not a case being driven.
 */
function coordinationUnderWay(facts: SignalFacts): boolean {
  return statusesOf(facts.current.coordination, 'status', statusKinds.coordination.status).some(
    (status) =>
      status.data.samordning === 'applied' ||
      status.data.samordning === 'granted' ||
      status.data.reinforcedCooperation,
  );
}

interface Span {
  from: string;
  until: string;
}

/**
 * The sick-listing periods in the certificate history: each issued certificate covers its period,
 * an `ended` event cuts its publisher's latest certificate short, and certificates that follow
 * within `maxGapDays` of each other are one continuous sick-listing.
 */
export function sickListingSpans(history: readonly StatusFact[], maxGapDays: number): Span[] {
  const spans: Array<Span & { partyId: string }> = [];
  for (const event of history) {
    if (event.kind === 'issued') {
      const [issued] = statusesOf([event], 'issued', statusKinds.certificate.issued);
      if (issued)
        spans.push({ partyId: event.partyId, from: issued.data.validFrom, until: issued.data.validUntil });
    } else if (event.kind === 'ended') {
      const [ended] = statusesOf([event], 'ended', statusKinds.certificate.ended);
      const latest = spans.findLast((span) => span.partyId === event.partyId);
      if (ended && latest && ended.data.endedOn < latest.until) latest.until = ended.data.endedOn;
    }
  }
  const merged: Span[] = [];
  for (const span of spans.filter((s) => s.from <= s.until).sort((a, b) => (a.from < b.from ? -1 : 1))) {
    const last = merged.at(-1);
    if (last && span.from <= addDays(last.until, maxGapDays + 1)) {
      if (span.until > last.until) last.until = span.until;
    } else {
      merged.push({ from: span.from, until: span.until });
    }
  }
  return merged;
}

/** Plan activities that rest on a medical certificate. */
export const dependentActivities = [
  'work_oriented_rehabilitation',
  'medical_rehabilitation',
  'work_training',
] as const;

/** How long before a SIP's follow-up date a meeting still counts as its follow-up meeting. */
export const followUpWindowDays = 30;

const evaluators: Record<SignalRuleId, Evaluator> = {
  'passive-sick-listing': (facts, value, clock) => {
    if (coordinationUnderWay(facts) || facts.anyOpenSip) return no(clock);
    const spans = sickListingSpans(facts.certificateHistory, value('maxGapDays'));
    const current = spans.find((span) => clock.reached(span.from) && clock.notAfter(span.until));
    if (!current || !clock.reached(addMonths(current.from, value('months')))) return no(clock);
    return yes(clock, current.from);
  },

  'incapacity-without-care': (facts, value, clock) => {
    const incapacity = facts.current.incapacity;
    const recorded = [
      ...statusesOf(
        incapacity,
        'reported_without_care_contact',
        statusKinds.incapacity.reported_without_care_contact,
      ).map((status) => status.data.reportedOn),
      ...statusesOf(
        incapacity,
        'suspected_by_social_worker',
        statusKinds.incapacity.suspected_by_social_worker,
      ).map((status) => status.data.notedOn),
    ];
    const since = minDay(recorded);
    if (since === undefined) return no(clock);
    if (statusesOf(facts.current.care, 'in_contact', statusKinds.care.in_contact).length > 0)
      return no(clock);
    if (!clock.reached(addDays(since, value('days')))) return no(clock);
    return yes(clock, since);
  },

  'sgi-zero-without-coordination': (facts, value, clock) => {
    const sgiZero = statusesOf(facts.current.insurance, 'status', statusKinds.insurance.status).filter(
      (status) => fromFk(status) && status.data.sgi === 'zero',
    );
    const assessed = statusesOf(facts.current.coordination, 'status', statusKinds.coordination.status).some(
      (status) => fromFk(status) && status.data.samordning !== 'none',
    );
    const assistance = statusesOf(facts.current.assistance, 'active', statusKinds.assistance.active);
    if (sgiZero.length === 0 || assessed || assistance.length === 0) return no(clock);
    const certificates = statusesOf(
      facts.current.certificate,
      'issued',
      statusKinds.certificate.issued,
    ).filter(
      (certificate) =>
        clock.reached(certificate.data.validFrom) && clock.notAfter(certificate.data.validUntil),
    );
    const certifiedFrom = minDay(certificates.map((certificate) => certificate.data.validFrom));
    if (certifiedFrom === undefined) return no(clock);
    const since = maxDay([
      minDay(sgiZero.map((status) => status.effectiveDate)) ?? certifiedFrom,
      minDay(assistance.map((status) => status.data.since)) ?? certifiedFrom,
      certifiedFrom,
    ]);
    if (since === undefined || !clock.reached(addDays(since, value('graceDays')))) return no(clock);
    return yes(clock, since);
  },

  'impediment-without-certificate': (facts, value, clock) => {
    const impediments = statusesOf(
      facts.current.employment,
      'registered',
      statusKinds.employment.registered,
    ).filter((status) => partyKindOf(status.partyId) === 'af' && status.data.withImpediment);
    const registeredSince = minDay(impediments.map((status) => status.data.since ?? status.effectiveDate));
    if (registeredSince === undefined) return no(clock);
    // Time without a certificate counts from the registration or from the day after the last
    // certificate ended, whichever is later; a certificate valid today puts that day in the future.
    const certificateEnds = [
      ...statusesOf(facts.current.certificate, 'issued', statusKinds.certificate.issued).map((certificate) =>
        addDays(certificate.data.validUntil, 1),
      ),
      ...statusesOf(facts.current.certificate, 'ended', statusKinds.certificate.ended).map((ended) =>
        addDays(ended.data.endedOn, 1),
      ),
    ];
    const since = maxDay([registeredSince, ...certificateEnds]) ?? registeredSince;
    if (!clock.reached(addDays(since, value('graceDays')))) return no(clock);
    return yes(clock, since);
  },

  'rejected-compensation-without-plan': (facts, value, clock) => {
    const rejections = statusesOf(facts.current.insurance, 'status', statusKinds.insurance.status).flatMap(
      (status) => {
        const decision = status.data.lastDecision;
        const compensation =
          decision?.benefit === 'sickness_compensation' || decision?.benefit === 'activity_compensation';
        if (!fromFk(status) || !decision || decision.outcome !== 'rejected' || !compensation) return [];
        const reapplied = (status.data.pendingApplication?.appliedOn ?? '') >= decision.decidedOn;
        return reapplied ? [] : [decision.decidedOn];
      },
    );
    const rejectedOn = maxDay(rejections);
    if (rejectedOn === undefined) return no(clock);
    const newPlan = (facts.current.planning ?? []).some(
      (status) => status.kind !== 'plan_ended' && status.effectiveDate >= rejectedOn,
    );
    if (newPlan || !clock.reached(addDays(rejectedOn, value('days')))) return no(clock);
    return yes(clock, rejectedOn);
  },

  'certificate-expiring-under-plan': (facts, value, clock) => {
    const viewerIsRegion = partyKindOf(facts.viewer) === 'region';
    // The region is told about its own certificates; a kommun or AF about its own plans.
    const plans = statusesOf(facts.current.planning, 'plan_active', statusKinds.planning.plan_active).filter(
      (plan) =>
        (dependentActivities as readonly string[]).includes(plan.data.activity) &&
        (viewerIsRegion || plan.partyId === facts.viewer),
    );
    const certificates = statusesOf(
      facts.current.certificate,
      'issued',
      statusKinds.certificate.issued,
    ).filter((certificate) => !viewerIsRegion || certificate.partyId === facts.viewer);
    if (plans.length === 0 || certificates.length === 0) return no(clock);
    if (!plans.some((plan) => clock.reached(plan.data.since))) return no(clock);
    const due = certificates
      .map((certificate) => addDays(certificate.data.validUntil, -value('days')))
      .filter((day) => clock.reached(day));
    const since = minDay(due);
    if (since === undefined) return no(clock);
    return yes(clock, since);
  },

  'sip-follow-up-missed': (facts, value, clock) => {
    const held = [...facts.sips]
      .filter((sip) => sip.principalParty === facts.viewer || sip.coordinatorParty === facts.viewer)
      .sort((a, b) =>
        a.openedOn === b.openedOn ? (a.id < b.id ? -1 : 1) : a.openedOn < b.openedOn ? -1 : 1,
      );
    for (const sip of held) {
      const meetings = sip.meetings
        .filter((meeting) => !meeting.cancelled)
        .map((meeting) => meeting.startsOn);
      if (sip.nextFollowUpOn !== null) {
        // A meeting up to a month before the date counts as the follow-up, held or booked.
        const window = addDays(sip.nextFollowUpOn, -followUpWindowDays);
        const booked = meetings.some((day) => day >= window);
        if (!booked && clock.reached(addDays(sip.nextFollowUpOn, value('graceDays'))))
          return yes(clock, sip.nextFollowUpOn, { sipId: sip.id });
      } else if (sip.phase === 'coordination' || sip.phase === 'follow_up') {
        const last = maxDay(meetings) ?? sip.openedOn;
        if (clock.reached(addDays(last, value('unbookedDays')))) return yes(clock, last, { sipId: sip.id });
      }
    }
    return no(clock);
  },
};

/**
 * Decides one rule for one person as one party sees them, at `now`. Pure: the engine loads the facts
 * through the consent-checked, audited path and acts on the verdict. Thresholds left out, or out of
 * bounds, take the catalogue's defaults.
 */
export function evaluate(rule: SignalRuleId, facts: SignalFacts, thresholds: Thresholds, now: Date): Verdict {
  const resolved = resolveThresholds(rule, thresholds);
  const value = (key: string) => resolved[key] ?? 0;
  return evaluators[rule](facts, value, new DayClock(now));
}
