import type { AssistanceClosureReason, Category } from './categories';

/**
 * Finsam follow-up definitions (DOMAIN.md, "Follow-up figures"): who is in the target group at a date
 * and how each person is described, from the statuses the parties published. Pure: the metrics service
 * loads the facts and aggregates what these functions say.
 */

/** One party's status in one category at the snapshot date. */
export interface StatusAt {
  partyId: string;
  kind: string;
  data: Record<string, unknown>;
}

export interface PersonAt {
  birthYear: number;
  birthMonth: number;
  legalSex: 'male' | 'female';
  /** Statuses at the date, only of categories the person's follow-up consent covers. */
  statuses: Partial<Record<Category, StatusAt[]>>;
  /** Whether a SIP of the person was open at the date. */
  hasSip: boolean;
}

export const ageBands = ['18-24', '25-34', '35-44', '45-54', '55-65'] as const;
export type AgeBand = (typeof ageBands)[number];

/** The reports' bands of time on assistance: < 1, 1–2, 2–5, 6–11, > 11 years. */
export const assistanceDurationBands = ['<1', '1-2', '2-5', '6-11', '>11'] as const;
export type AssistanceDurationBand = (typeof assistanceDurationBands)[number];

export const criteria = [
  'compensation',
  'certificate',
  'care_without_certificate',
  'incapacity_without_care',
  'suspected_by_social_worker',
] as const;
export type Criterion = (typeof criteria)[number];

/** Swedish labels as the Kaosam report words them. */
export const criterionLabels: Record<Criterion, string> = {
  compensation: 'Sjuk- eller aktivitetsersättning (hel eller partiell)',
  certificate: 'Sjukskriven med läkarintyg',
  care_without_certificate: 'Sjuk med vårdkontakt men utan läkarintyg',
  incapacity_without_care: 'Uppger nedsatt arbetsförmåga utan vårdkontakt',
  suspected_by_social_worker: 'Handläggaren misstänker nedsatt arbetsförmåga',
};

/** Whole years at `date` when only the birth year and month are kept (the day is not stored). */
export function ageAtMonth(birthYear: number, birthMonth: number, date: Date): number {
  const months = (date.getUTCFullYear() - birthYear) * 12 + (date.getUTCMonth() + 1 - birthMonth);
  return Math.floor(months / 12);
}

export function ageBandOf(age: number): AgeBand | undefined {
  if (age < 18 || age > 65) return undefined;
  if (age <= 24) return '18-24';
  if (age <= 34) return '25-34';
  if (age <= 44) return '35-44';
  if (age <= 54) return '45-54';
  return '55-65';
}

/** Full years between two ISO dates. */
export function yearsBetween(from: string, to: Date): number {
  const start = new Date(`${from}T00:00:00Z`);
  let years = to.getUTCFullYear() - start.getUTCFullYear();
  const anniversary = new Date(Date.UTC(to.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
  if (anniversary > to) years--;
  return years;
}

export function durationBandOf(years: number): AssistanceDurationBand {
  if (years < 1) return '<1';
  if (years < 2) return '1-2';
  if (years < 6) return '2-5';
  if (years < 12) return '6-11';
  return '>11';
}

/** ICD-10 chapters by the first letter (and digits where a letter spans two chapters). */
export function icd10Chapter(code: string): string | undefined {
  const letter = code.charAt(0);
  const number = Number(code.slice(1, 3));
  const chapters: Array<[string, (n: number) => boolean, string]> = [
    ['A', () => true, 'I'],
    ['B', () => true, 'I'],
    ['C', () => true, 'II'],
    ['D', (n) => n <= 48, 'II'],
    ['D', (n) => n >= 50, 'III'],
    ['E', () => true, 'IV'],
    ['F', () => true, 'V'],
    ['G', () => true, 'VI'],
    ['H', (n) => n <= 59, 'VII'],
    ['H', (n) => n >= 60, 'VIII'],
    ['I', () => true, 'IX'],
    ['J', () => true, 'X'],
    ['K', () => true, 'XI'],
    ['L', () => true, 'XII'],
    ['M', () => true, 'XIII'],
    ['N', () => true, 'XIV'],
    ['O', () => true, 'XV'],
    ['P', () => true, 'XVI'],
    ['Q', () => true, 'XVII'],
    ['R', () => true, 'XVIII'],
    ['S', () => true, 'XIX'],
    ['T', () => true, 'XIX'],
    ['V', () => true, 'XX'],
    ['W', () => true, 'XX'],
    ['X', () => true, 'XX'],
    ['Y', () => true, 'XX'],
    ['Z', () => true, 'XXI'],
    ['U', () => true, 'XXII'],
  ];
  return chapters.find(([l, inRange]) => l === letter && inRange(number))?.[2];
}

export const icd10ChapterLabels: Record<string, string> = {
  I: 'Vissa infektionssjukdomar',
  II: 'Tumörer',
  III: 'Blodsjukdomar',
  IV: 'Endokrina sjukdomar',
  V: 'Psykiska sjukdomar och syndrom',
  VI: 'Sjukdomar i nervsystemet',
  VII: 'Ögat',
  VIII: 'Örat',
  IX: 'Cirkulationsorganen',
  X: 'Andningsorganen',
  XI: 'Matsmältningsorganen',
  XII: 'Huden',
  XIII: 'Muskuloskeletala systemet och bindväven',
  XIV: 'Urin- och könsorganen',
  XV: 'Graviditet',
  XVI: 'Perinatalperioden',
  XVII: 'Medfödda missbildningar',
  XVIII: 'Symtom och onormala fynd',
  XIX: 'Skador och förgiftningar',
  XX: 'Yttre orsaker',
  XXI: 'Faktorer av betydelse för hälsotillståndet',
  XXII: 'Koder för särskilda ändamål',
};

function first(person: PersonAt, category: Category, kind?: string): StatusAt | undefined {
  return person.statuses[category]?.find((status) => kind === undefined || status.kind === kind);
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A certificate counts on the days it covers, not merely because it was the latest one issued. */
function currentCertificate(person: PersonAt, date: Date): StatusAt | undefined {
  const day = isoDay(date);
  return person.statuses.certificate?.find(
    (status) =>
      status.kind === 'issued' &&
      String(status.data.validFrom) <= day &&
      day <= String(status.data.validUntil),
  );
}

/** How a person in the target group is described in the snapshot tables. */
export interface TargetGroupRow {
  legalSex: 'male' | 'female';
  ageBand: AgeBand;
  durationBand: AssistanceDurationBand;
  /** More than two years on assistance: the outcome tables split on it. */
  overTwoYears: boolean;
  criteria: Set<Criterion>;
  compensation: 'full' | 'partial' | null;
  certificateIssuer: 'primary_care' | 'psychiatry' | 'other' | null;
  /** Partial compensation and sick-listed on the rest (Kaosam's overlap). */
  partialCompensationAndCertificate: boolean;
  hasSip: boolean;
  sgi: 'positive' | 'zero' | 'unknown' | 'not_published';
  afRegistered: boolean;
  afActivelySeeking: boolean;
  reinforcedCooperation: boolean;
  coordinationCase: boolean;
  needGroup: string | null;
  icd10Chapters: string[];
}

/**
 * The few facts of a person at a date that the target-group rules read, each already reduced to what
 * the rules compare: a database can extract these per person and count people by them, so the rules
 * run once per distinct combination instead of once per person. `targetGroupFacts` is the reference
 * extraction from a person's statuses; any other extraction must agree with it.
 */
export interface TargetGroupFacts {
  legalSex: 'male' | 'female';
  /** Whole years at the date (`ageAtMonth`). */
  age: number;
  /** Full years since the first active assistance's `since` (`yearsBetween`); null without one. */
  assistanceYears: number | null;
  /** The insurance status's `compensation` is set (truthy). */
  compensation: boolean;
  /** That compensation's `extent`, null when it has none. */
  compensationExtent: string | null;
  /** The insurance status's `sgi`; null when there is no insurance status or it gives none. */
  sgi: string | null;
  /** A certificate covering the date. */
  certificate: boolean;
  /** That certificate's `issuerKind`, null when it has none. */
  certificateIssuer: string | null;
  careContact: boolean;
  incapacityReported: boolean;
  suspectedBySocialWorker: boolean;
  /** Registered at AF; `afActivelySeeking` only when the registration says so (`true`). */
  afRegistered: boolean;
  afActivelySeeking: boolean;
  /** The coordination status's `reinforcedCooperation` is `true`. */
  reinforcedCooperation: boolean;
  /** The coordination status's `samordning`, null without one. */
  samordning: string | null;
  /** The first planning status's need group that is a string. */
  needGroup: string | null;
  /**
   * The recorded diagnosis codes' ICD-10 categories (their first three characters, all that
   * `icd10Chapter` reads), distinct and sorted.
   */
  icd10Categories: string[];
  hasSip: boolean;
}

/** The first three characters of each code, distinct and sorted by code unit. */
export function icd10CategoriesOf(codes: readonly string[]): string[] {
  return [...new Set(codes.map((code) => code.slice(0, 3)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The facts the target-group rules read, from a person's statuses at `date`. */
export function targetGroupFacts(person: PersonAt, date: Date): TargetGroupFacts {
  const assistance = first(person, 'assistance', 'active');
  const insurance = first(person, 'insurance', 'status')?.data;
  const compensation = (insurance?.compensation as { extent?: string } | null | undefined) ?? null;
  const certificate = currentCertificate(person, date);
  const employment = first(person, 'employment', 'registered')?.data;
  const coordination = first(person, 'coordination', 'status')?.data;
  const need = person.statuses.planning?.find((status) => typeof status.data.needGroup === 'string');
  const codes = (first(person, 'diagnosis', 'recorded')?.data.codes as string[] | undefined) ?? [];
  return {
    legalSex: person.legalSex,
    age: ageAtMonth(person.birthYear, person.birthMonth, date),
    assistanceYears: assistance ? yearsBetween(String(assistance.data.since), date) : null,
    compensation: Boolean(compensation),
    compensationExtent: compensation?.extent ?? null,
    sgi: (insurance?.sgi as string | null | undefined) ?? null,
    certificate: certificate !== undefined,
    certificateIssuer: (certificate?.data.issuerKind as string | null | undefined) ?? null,
    careContact: first(person, 'care', 'in_contact') !== undefined,
    incapacityReported: first(person, 'incapacity', 'reported_without_care_contact') !== undefined,
    suspectedBySocialWorker: first(person, 'incapacity', 'suspected_by_social_worker') !== undefined,
    afRegistered: employment !== undefined,
    afActivelySeeking: employment?.activelySeeking === true,
    reinforcedCooperation: coordination?.reinforcedCooperation === true,
    samordning: (coordination?.samordning as string | null | undefined) ?? null,
    needGroup: need ? String(need.data.needGroup) : null,
    icd10Categories: icd10CategoriesOf(codes),
    hasSip: person.hasSip,
  };
}

/**
 * The KAOS/Kaosam target group: aged 18–65 at the date, on active assistance, and meeting at least one
 * of the five criteria. Returns undefined for anyone outside it.
 */
export function targetGroupRowOf(facts: TargetGroupFacts): TargetGroupRow | undefined {
  const ageBand = ageBandOf(facts.age);
  const years = facts.assistanceYears;
  if (!ageBand || years === null) return undefined;

  const met = new Set<Criterion>();
  if (facts.compensation) met.add('compensation');
  if (facts.certificate) met.add('certificate');
  if (facts.careContact && !facts.certificate) met.add('care_without_certificate');
  if (facts.incapacityReported && !facts.careContact) met.add('incapacity_without_care');
  if (facts.suspectedBySocialWorker) met.add('suspected_by_social_worker');
  if (met.size === 0) return undefined;

  const chapters = [
    ...new Set(
      facts.icd10Categories.map(icd10Chapter).filter((chapter): chapter is string => chapter !== undefined),
    ),
  ];
  return {
    legalSex: facts.legalSex,
    ageBand,
    durationBand: durationBandOf(years),
    overTwoYears: years >= 2,
    criteria: met,
    compensation: (facts.compensationExtent as TargetGroupRow['compensation']) ?? null,
    certificateIssuer: (facts.certificateIssuer as TargetGroupRow['certificateIssuer']) ?? null,
    partialCompensationAndCertificate: facts.compensationExtent === 'partial' && facts.certificate,
    hasSip: facts.hasSip,
    sgi: (facts.sgi as TargetGroupRow['sgi'] | null) ?? 'not_published',
    afRegistered: facts.afRegistered,
    afActivelySeeking: facts.afActivelySeeking,
    reinforcedCooperation: facts.reinforcedCooperation,
    coordinationCase: facts.samordning === 'applied' || facts.samordning === 'granted',
    needGroup: facts.needGroup,
    icd10Chapters: chapters,
  };
}

/** `targetGroupRowOf` the person's facts at `date`. */
export function targetGroupRow(person: PersonAt, date: Date): TargetGroupRow | undefined {
  return targetGroupRowOf(targetGroupFacts(person, date));
}

export const outcomeGroups = {
  self_supporting: [
    'self_supporting_work',
    'self_supporting_studies',
    'self_supporting_compensation',
    'self_supporting_other_benefit',
    'moved',
  ],
  continued_assistance: [
    'continued_with_compensation',
    'continued_reduced_capacity_without_compensation',
    'continued_other',
  ],
} as const satisfies Record<string, readonly AssistanceClosureReason[]>;

export type Outcome =
  | { state: 'open' }
  | { state: 'closed'; reason: AssistanceClosureReason; group: keyof typeof outcomeGroups };

/** Where a baseline person stands at the follow-up date, from the kommun's assistance status then. */
export function outcomeAt(person: PersonAt): Outcome {
  const closed = first(person, 'assistance', 'closed');
  if (!closed || first(person, 'assistance', 'active')) return { state: 'open' };
  const reason = closed.data.reason as AssistanceClosureReason;
  const group = (outcomeGroups.self_supporting as readonly string[]).includes(reason)
    ? 'self_supporting'
    : 'continued_assistance';
  return { state: 'closed', reason, group };
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}
