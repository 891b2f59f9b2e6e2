import type { Category } from '@samsyn/domain';

/** A valid `data` for every category and kind, for tests that need some publishable status. */
export const exampleStatusData: { [C in Category]: Record<string, Record<string, unknown>> } = {
  assistance: {
    active: { extent: 'full', since: '2024-03-01', obstacle: 'sick_without_certificate' },
    closed: { closedOn: '2026-10-31', reason: 'self_supporting_compensation' },
  },
  planning: {
    need_assessed: { needGroup: 'RH2', assessedOn: '2026-09-15' },
    plan_active: {
      needGroup: 'AM3',
      activity: 'work_oriented_rehabilitation',
      since: '2026-10-01',
      followUpOn: '2027-01-15',
    },
    plan_ended: { endedOn: '2026-11-01', outcome: 'next_step' },
  },
  incapacity: {
    reported_without_care_contact: { reportedOn: '2026-08-20' },
    suspected_by_social_worker: { notedOn: '2026-08-21' },
    resolved: { resolvedOn: '2026-11-10' },
  },
  care: {
    in_contact: { setting: 'psychiatry', rehabCoordinator: true, since: '2026-02-01' },
    no_contact: {},
  },
  certificate: {
    issued: {
      validFrom: '2026-11-01',
      validUntil: '2027-01-31',
      extentPercent: 75,
      issuerKind: 'primary_care',
      dfaChainComplete: false,
    },
    ended: { endedOn: '2026-10-31' },
  },
  diagnosis: { recorded: { codes: ['F32.1', 'M79.7'] } },
  insurance: {
    status: {
      sgi: 'zero',
      sicknessBenefit: false,
      compensation: null,
      pendingApplication: { benefit: 'sickness_compensation', appliedOn: '2026-09-01' },
      lastDecision: null,
    },
  },
  coordination: { status: { samordning: 'applied', reinforcedCooperation: false, jointMapping: true } },
  employment: {
    registered: {
      activelySeeking: false,
      withImpediment: true,
      programme: null,
      activitySupport: false,
      since: '2025-05-01',
    },
    not_registered: {},
  },
};

/** A publishable event of the category's first kind for the person. */
export function exampleStatusEvent(personnummer: string, category: Category, effectiveDate = '2026-11-01') {
  const [kind, data] = Object.entries(exampleStatusData[category])[0] ?? ['', {}];
  return { personnummer, category, kind, effectiveDate, data };
}
