import { z } from 'zod';
import type { PartyKind } from './parties';

/**
 * The kinds of case status the parties exchange (DOMAIN.md, "Parties and who publishes what"). Each
 * category has owners — the only party kinds that may publish it — and a closed set of event kinds,
 * each with its own schema. An event states the publishing party's whole current view of that
 * category, so the current status is simply the latest event. No free text anywhere: statuses feed
 * statistics, and free text is where personal details leak.
 */
export const categories = [
  'assistance',
  'planning',
  'incapacity',
  'care',
  'certificate',
  'diagnosis',
  'insurance',
  'coordination',
  'employment',
] as const;
export type Category = (typeof categories)[number];

export function isCategory(value: string): value is Category {
  return (categories as readonly string[]).includes(value);
}

export const categoryOwners: Record<Category, readonly PartyKind[]> = {
  assistance: ['kommun'],
  planning: ['kommun', 'af'],
  incapacity: ['kommun'],
  care: ['region'],
  certificate: ['region'],
  diagnosis: ['region'],
  insurance: ['fk'],
  coordination: ['fk', 'af'],
  employment: ['af'],
};

export function ownsCategory(kind: PartyKind, category: Category): boolean {
  return categoryOwners[category].includes(kind);
}

/** Swedish names, for UI text and the glossary. */
export const categoryLabels: Record<Category, string> = {
  assistance: 'Ekonomiskt bistånd',
  planning: 'Planering mot egen försörjning',
  incapacity: 'Nedsatt arbetsförmåga utan vårdkontakt',
  care: 'Vårdkontakt',
  certificate: 'Läkarintyg',
  diagnosis: 'Diagnos',
  insurance: 'Försäkring (SGI, ersättningar)',
  coordination: 'Samordning av rehabilitering',
  employment: 'Arbetsförmedlingen',
};

/**
 * RFC 3339 full-date, YYYY-MM-DD, from 0001-01-01: ISO 8601 has a year 0000, but PostgreSQL (and the
 * proleptic Gregorian calendar it stores) has none, so such a date could never be stored or compared.
 */
export const isoDate = z.iso
  .date()
  .max(10)
  .refine((value) => !value.startsWith('0000'), 'there is no year 0000');
const date = isoDate;

/** Socialstyrelsen's försörjningshinder, the registered obstacle to self-support. */
export const supportObstacles = [
  'unemployed',
  'sick_with_certificate',
  'sick_without_certificate',
  'social_reasons',
  'parental_leave',
  'insufficient_income',
  'awaiting_benefit',
  'other',
] as const;

/**
 * How a case of assistance ends, as the Kaosam follow-up counts it: self-supporting (via work, studies,
 * sickness or activity compensation, another benefit, or by moving away), or closed here with
 * assistance continuing in another form (with compensation, with permanently reduced capacity but no
 * right to compensation, other).
 */
export const assistanceClosureReasons = [
  'self_supporting_work',
  'self_supporting_studies',
  'self_supporting_compensation',
  'self_supporting_other_benefit',
  'moved',
  'continued_with_compensation',
  'continued_reduced_capacity_without_compensation',
  'continued_other',
] as const;
export type AssistanceClosureReason = (typeof assistanceClosureReasons)[number];

/** Where a coordination case (samordning av rehabiliteringsinsatser) was raised: Utsikt counts these. */
export const coordinationOrigins = ['kommun', 'fk', 'own_application', 'other'] as const;

/** Instrument X (MIX) need groups: AM labour-market support, RH rehabilitation need. */
export const needGroups = ['AM1', 'AM2', 'AM3', 'RH1', 'RH2', 'RH3'] as const;

export const planActivities = [
  'mapping',
  'work_oriented_rehabilitation',
  'medical_rehabilitation',
  'labour_market_programme',
  'studies',
  'work_training',
  'employment_with_support',
  'other',
] as const;

export const careSettings = ['primary_care', 'psychiatry', 'other'] as const;

export const certificateExtents = [25, 50, 75, 100] as const;

export const benefits = ['sickness_benefit', 'sickness_compensation', 'activity_compensation'] as const;

export const afProgrammes = [
  'arbetslivsintroduktion',
  'jobb_och_utvecklingsgarantin',
  'jobbgarantin_for_unga',
  'arbetsmarknadsutbildning',
  'introduktionsprogram',
  'other',
] as const;

/**
 * ICD-10 (and the Swedish ICD-10-SE) codes: a letter, two digits, optionally a point and up to two
 * more characters (F32.1, M79.7, F43.1A). U codes are WHO's emergency codes and are accepted too.
 */
export const icd10Pattern = /^[A-Z]\d{2}(?:\.[0-9A-Z]{1,2})?$/;

// A union of single literals, not z.literal([...]): the OpenAPI generator renders a multi-value
// literal as an enum of its first value only, which told integrators that only 25 was valid.
const extentPercent = z.union(certificateExtents.map((extent) => z.literal(extent)));

/** The data schema of each event kind, by category. */
export const statusKinds = {
  assistance: {
    active: z.strictObject({
      extent: z.enum(['full', 'supplementary']),
      since: date,
      obstacle: z.enum(supportObstacles),
    }),
    closed: z.strictObject({ closedOn: date, reason: z.enum(assistanceClosureReasons) }),
  },
  planning: {
    need_assessed: z.strictObject({ needGroup: z.enum(needGroups), assessedOn: date }),
    plan_active: z.strictObject({
      needGroup: z.enum(needGroups).optional(),
      activity: z.enum(planActivities),
      since: date,
      followUpOn: date.optional(),
    }),
    plan_ended: z.strictObject({
      endedOn: date,
      outcome: z.enum(['self_supporting', 'next_step', 'discontinued', 'transferred']),
    }),
  },
  incapacity: {
    reported_without_care_contact: z.strictObject({ reportedOn: date }),
    suspected_by_social_worker: z.strictObject({ notedOn: date }),
    resolved: z.strictObject({ resolvedOn: date }),
  },
  care: {
    in_contact: z.strictObject({
      setting: z.enum(careSettings),
      rehabCoordinator: z.boolean(),
      since: date.optional(),
    }),
    no_contact: z.strictObject({ since: date.optional() }),
  },
  certificate: {
    issued: z.strictObject({
      validFrom: date,
      validUntil: date,
      extentPercent,
      issuerKind: z.enum(careSettings),
      dfaChainComplete: z.boolean(),
    }),
    ended: z.strictObject({ endedOn: date }),
  },
  diagnosis: {
    recorded: z.strictObject({
      codes: z
        .array(z.string().max(8).regex(icd10Pattern, 'must be an ICD-10 code such as F32.1'))
        .min(1)
        .max(20),
    }),
  },
  insurance: {
    status: z.strictObject({
      sgi: z.enum(['positive', 'zero', 'unknown']),
      sicknessBenefit: z.boolean(),
      compensation: z
        .strictObject({
          kind: z.enum(['sickness', 'activity']),
          extent: z.enum(['full', 'partial']),
          degreePercent: extentPercent,
        })
        .nullable(),
      pendingApplication: z.strictObject({ benefit: z.enum(benefits), appliedOn: date }).nullable(),
      lastDecision: z
        .strictObject({
          benefit: z.enum(benefits),
          outcome: z.enum(['granted', 'rejected']),
          decidedOn: date,
        })
        .nullable(),
    }),
  },
  coordination: {
    status: z.strictObject({
      samordning: z.enum(['none', 'applied', 'granted', 'rejected', 'closed']),
      reinforcedCooperation: z.boolean(),
      jointMapping: z.boolean(),
      /** Who raised the coordination case, once there is one. */
      raisedBy: z.enum(coordinationOrigins).optional(),
      /** How a closed coordination case ended. */
      closedWith: z.enum(['regained_work_capacity', 'other']).optional(),
    }),
  },
  employment: {
    registered: z.strictObject({
      activelySeeking: z.boolean(),
      withImpediment: z.boolean(),
      programme: z.enum(afProgrammes).nullable(),
      activitySupport: z.boolean(),
      since: date.optional(),
    }),
    not_registered: z.strictObject({ since: date.optional() }),
  },
} as const satisfies Record<Category, Record<string, z.ZodType>>;

export type StatusKinds = typeof statusKinds;
export type StatusKind<C extends Category> = keyof StatusKinds[C] & string;

export function kindsOf(category: Category): string[] {
  return Object.keys(statusKinds[category]);
}

/** Cross-field rules a schema per field cannot say; returns the pointer and message of each problem. */
export function statusDataProblems(
  category: Category,
  kind: string,
  data: Record<string, unknown>,
): Array<{ pointer: string; detail: string }> {
  if (category === 'certificate' && kind === 'issued') {
    const { validFrom, validUntil } = data as { validFrom: string; validUntil: string };
    if (validUntil < validFrom)
      return [{ pointer: '/data/validUntil', detail: 'must not be before validFrom' }];
  }
  if (category === 'insurance' && kind === 'status') {
    const compensation = data.compensation as { extent: string; degreePercent: number } | null;
    if (compensation && (compensation.extent === 'full') !== (compensation.degreePercent === 100)) {
      return [
        { pointer: '/data/compensation/degreePercent', detail: 'full compensation is 100 %, partial less' },
      ];
    }
  }
  return [];
}
