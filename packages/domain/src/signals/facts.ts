import type { z } from 'zod';
import type { Category } from '../categories';
import type { SipPhase } from '../sip';

/** One party's status in one category: the current one, or one event of the history. */
export interface StatusFact {
  partyId: string;
  kind: string;
  effectiveDate: string;
  data: Record<string, unknown>;
}

/** An open SIP as the rules see it: the plan's dates and who holds it, never its text. */
export interface SipFact {
  id: string;
  phase: SipPhase;
  participants: readonly string[];
  principalParty: string;
  coordinatorParty: string;
  nextFollowUpOn: string | null;
  openedOn: string;
  meetings: ReadonlyArray<{ startsOn: string; cancelled: boolean }>;
}

/**
 * What the rules may see of one person, as seen by the party a signal would inform: only categories
 * and publishers a consent lets that party read, so a rule can never decide on something the party
 * could not have read itself.
 */
export interface SignalFacts {
  /** The party the signal would inform. */
  viewer: string;
  /** The current status per category, one per publishing party. */
  current: Partial<Record<Category, readonly StatusFact[]>>;
  /** Every certificate event, oldest first: a sick-listing is followed over its renewals. */
  certificateHistory: readonly StatusFact[];
  /** Open SIPs the viewer takes part in, under a consent valid now. */
  sips: readonly SipFact[];
  /** Whether any SIP of the person is open: only its absence is ever part of a signal. */
  anyOpenSip: boolean;
}

export function emptyFacts(viewer: string): SignalFacts {
  return { viewer, current: {}, certificateHistory: [], sips: [], anyOpenSip: false };
}

/** The statuses of one kind whose data meets the kind's schema, typed by it. */
export function statusesOf<S extends z.ZodType>(
  facts: readonly StatusFact[] | undefined,
  kind: string,
  schema: S,
): Array<{ partyId: string; effectiveDate: string; data: z.output<S> }> {
  const found: Array<{ partyId: string; effectiveDate: string; data: z.output<S> }> = [];
  for (const fact of facts ?? []) {
    if (fact.kind !== kind) continue;
    const parsed = schema.safeParse(fact.data);
    if (parsed.success)
      found.push({ partyId: fact.partyId, effectiveDate: fact.effectiveDate, data: parsed.data });
  }
  return found;
}

const firstDay = '0001-01-01';
const lastDay = '9999-12-31';

/** The UTC calendar day of an instant, as YYYY-MM-DD. */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function fromParts(year: number, monthIndex: number, day: number): string {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  const y = date.getUTCFullYear();
  if (y < 1) return firstDay;
  if (y > 9999) return lastDay;
  return isoDay(date);
}

/** `day` plus `n` days (n may be negative), kept within the years PostgreSQL and the API accept. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return fromParts(y ?? 1, (m ?? 1) - 1, (d ?? 1) + n);
}

/** `day` plus `n` months; the 31st of a shorter month becomes its last day. */
export function addMonths(day: string, n: number): string {
  const [y = 1, m = 1, d = 1] = day.split('-').map(Number);
  const monthIndex = m - 1 + n;
  const lastOfMonth = Number(fromParts(y, monthIndex + 1, 0).slice(8, 10));
  return fromParts(y, monthIndex, Math.min(d, lastOfMonth));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function startOfDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function minDay(days: readonly string[]): string | undefined {
  return [...days].sort()[0];
}

export function maxDay(days: readonly string[]): string | undefined {
  return [...days].sort().at(-1);
}

/**
 * Today, for rules that compare dates with it. Every comparison goes through here and leaves the day
 * its answer would change on, so the earliest such day after today is when the verdict can next
 * change without new data: the engine re-evaluates the person then, and not before.
 */
export class DayClock {
  readonly today: string;
  private readonly boundaries: string[] = [];

  constructor(now: Date) {
    this.today = isoDay(now);
  }

  /** Whether `day` has come (today ≥ day); the answer changes on `day`. */
  reached(day: string): boolean {
    this.boundaries.push(day);
    return this.today >= day;
  }

  /** Whether today is `day` or earlier; the answer changes the day after. */
  notAfter(day: string): boolean {
    this.boundaries.push(addDays(day, 1));
    return this.today <= day;
  }

  /** The start of the first day after today on which a comparison made so far would answer otherwise. */
  nextChange(): Date | null {
    const next = minDay(this.boundaries.filter((day) => day > this.today));
    return next === undefined ? null : startOfDay(next);
  }
}
