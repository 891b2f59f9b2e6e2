import type { Db } from '@samsyn/db';
import { type TargetGroupFacts, targetGroupFacts } from '@samsyn/domain';
import type { FiguresScope } from '@samsyn/http';
import { sql } from 'drizzle-orm';
import { consentQualifies, peopleAt } from './people';

/** How many people share one combination of facts. */
export interface FactCount {
  facts: TargetGroupFacts;
  count: number;
}

/**
 * Above this many people the projection cannot describe at the date (a date before their latest
 * status, or two parties in one category), one exact pass over everyone is cheaper than listing them.
 */
const exactPassAbove = 50_000;

type FactRow = {
  person_key: string | null;
  categories: string[];
  parties: string[];
  legal_sex: 'male' | 'female';
  age: number;
  assistance_years: number | null;
  assistance_party: string | null;
  planning_party: string | null;
  planning_need_group: string | null;
  incapacity_party: string | null;
  incapacity_reported: boolean | null;
  incapacity_suspected: boolean | null;
  care_party: string | null;
  care_in_contact: boolean | null;
  certificate_party: string | null;
  certificate_current: boolean | null;
  certificate_issuer: string | null;
  diagnosis_party: string | null;
  diagnosis_categories: string[] | null;
  insurance_party: string | null;
  insurance_status: boolean | null;
  compensation_set: boolean | null;
  compensation_extent: string | null;
  sgi: string | null;
  coordination_party: string | null;
  coordination_status: boolean | null;
  reinforced_cooperation: boolean | null;
  samordning: string | null;
  employment_party: string | null;
  employment_registered: boolean | null;
  actively_seeking: boolean | null;
  has_sip: boolean;
  count: number;
};

const projected = [
  'assistance_party',
  'planning_party',
  'planning_need_group',
  'incapacity_party',
  'incapacity_reported',
  'incapacity_suspected',
  'care_party',
  'care_in_contact',
  'certificate_party',
  'certificate_issuer',
  'diagnosis_party',
  'diagnosis_categories',
  'insurance_party',
  'insurance_status',
  'compensation_set',
  'compensation_extent',
  'sgi',
  'coordination_party',
  'coordination_status',
  'reinforced_cooperation',
  'samordning',
  'employment_party',
  'employment_registered',
  'actively_seeking',
].map((column) => `f.${column}`);

/**
 * The people a förbund's figures may count at `day` (see `peopleAt`), counted by their target-group
 * facts. PostgreSQL reads each person's one row of `follow_up_facts` with their follow-up consent,
 * reduces dates to what the rules compare (age and years on assistance at `day`, a certificate covering
 * `day`) and counts people per combination of those columns and the consent's terms; what the consent
 * covers is then decided here once per combination, and the domain rules run once per combination of
 * facts. People the projection does not describe at `day`, and people with more than one follow-up
 * consent (whose terms are the union of them all), go through the exact path (`peopleAt` and
 * `targetGroupFacts`) and are added in.
 */
export async function factCountsAt(db: Db, scope: FiguresScope, day: string): Promise<FactCount[]> {
  const kommuner = scope.kommunIds.join(',');
  const [year, month, date] = day.split('-').map(Number);
  if (year === undefined || month === undefined || date === undefined) throw new Error(`not a date: ${day}`);
  const d = sql`${day}::date`;
  // As ageAtMonth: whole years from the months between birth and the date, rounded down.
  const months = sql`(${year * 12 + month}::int - (f.birth_year::int * 12 + f.birth_month))`;
  const query = sql`
    with multi as (
      select c.person_key from consents c where ${consentQualifies(scope, 'c')}
      group by c.person_key having count(*) > 1
    ),
    open_sips as (
      select distinct s.person_key from sips s
      where s.opened_at < (${d} + 1) and (s.closed_at is null or s.closed_at >= (${d} + 1))
    )
    select
      case when f.single_party and f.facts_from <= ${d} and m.person_key is null then null else f.person_key end
        as person_key,
      c.categories, c.parties, f.legal_sex,
      (${months} - case when ${months} < 0 then 11 else 0 end) / 12 as age,
      -- Full years as yearsBetween counts them: one fewer before the anniversary in the date's year
      -- (a 29 February start has its anniversary on 1 March in other years, which compares alike).
      (${year}::int - date_part('year', f.assistance_since)::int
        - case when date_part('month', f.assistance_since)::int * 100 + date_part('day', f.assistance_since)::int
                    > ${month * 100 + date}::int then 1 else 0 end) as assistance_years,
      (f.certificate_issued and f.certificate_valid_from <= ${day}::text collate "C"
        and ${day}::text <= f.certificate_valid_until collate "C") as certificate_current,
      ${sql.raw(projected.join(', '))},
      os.person_key is not null as has_sip,
      count(*)::int as count
    from follow_up_facts f
    join consents c on c.person_key = f.person_key and ${consentQualifies(scope, 'c')}
    left join multi m on m.person_key = f.person_key
    left join open_sips os on os.person_key = f.person_key
    -- Who the rules can count at all: active assistance from a kommun in scope. Anyone else the
    -- projection describes is outside the target group.
    where not (f.single_party and f.facts_from <= ${d}) or m.person_key is not null
      or (f.assistance_active and f.assistance_party = any(string_to_array(${kommuner}, ',')))
    group by 1, 2, 3, 4, 5, 6, 7, ${sql.raw(projected.join(', '))}, os.person_key is not null`;
  const rows = await db.transaction(async (tx) => {
    // One pass of hash joins and aggregations over every person: in memory rather than in batches on
    // disk, and without JIT compilation, which costs more than it saves on these expressions.
    await tx.execute(sql`set local work_mem = '256MB'`);
    await tx.execute(sql`set local jit = off`);
    // The planner cannot foresee how few combinations there are and would sort every person to group them.
    await tx.execute(sql`set local enable_sort = off`);
    return tx.execute<FactRow>(query);
  });

  const counts = new Map<string, FactCount>();
  const add = (facts: TargetGroupFacts, count: number) => {
    const key = JSON.stringify(facts);
    const held = counts.get(key);
    if (held) held.count += count;
    else counts.set(key, { facts, count });
  };
  const inexact = new Set<string>();
  for (const row of rows) {
    if (row.person_key !== null) inexact.add(row.person_key);
    else add(factsOf(row), row.count);
  }
  if (inexact.size > exactPassAbove) return exactFactCounts(db, scope, day);
  if (inexact.size > 0) {
    const at = new Date(`${day}T12:00:00Z`);
    for (const person of (await peopleAt(db, scope, day, [...inexact])).values())
      add(targetGroupFacts(person, at), 1);
  }
  return [...counts.values()];
}

/** Every person through the exact path: the reference the projection is checked against. */
export async function exactFactCounts(db: Db, scope: FiguresScope, day: string): Promise<FactCount[]> {
  const date = new Date(`${day}T12:00:00Z`);
  const counts = new Map<string, FactCount>();
  for (const person of (await peopleAt(db, scope, day)).values()) {
    const facts = targetGroupFacts(person, date);
    const key = JSON.stringify(facts);
    const held = counts.get(key);
    if (held) held.count += 1;
    else counts.set(key, { facts, count: 1 });
  }
  return [...counts.values()];
}

/**
 * The facts of a counted row, in the same key order as `targetGroupFacts` builds them: a category's
 * status counts only when the consent covers the category and names its publisher, as in `peopleAt`.
 */
function factsOf(row: FactRow): TargetGroupFacts {
  const covers = (category: string, party: string | null) =>
    party !== null && row.parties.includes(party) && row.categories.includes(category);
  const insurance = covers('insurance', row.insurance_party) && row.insurance_status === true;
  const certificate = covers('certificate', row.certificate_party) && row.certificate_current === true;
  const employment = covers('employment', row.employment_party) && row.employment_registered === true;
  const coordination = covers('coordination', row.coordination_party) && row.coordination_status === true;
  const incapacity = covers('incapacity', row.incapacity_party);
  return {
    legalSex: row.legal_sex,
    age: row.age,
    assistanceYears: covers('assistance', row.assistance_party) ? row.assistance_years : null,
    compensation: insurance && row.compensation_set === true,
    compensationExtent: insurance ? row.compensation_extent : null,
    sgi: insurance ? row.sgi : null,
    certificate,
    certificateIssuer: certificate ? row.certificate_issuer : null,
    careContact: covers('care', row.care_party) && row.care_in_contact === true,
    incapacityReported: incapacity && row.incapacity_reported === true,
    suspectedBySocialWorker: incapacity && row.incapacity_suspected === true,
    afRegistered: employment,
    afActivelySeeking: employment && row.actively_seeking === true,
    reinforcedCooperation: coordination && row.reinforced_cooperation === true,
    samordning: coordination ? row.samordning : null,
    needGroup: covers('planning', row.planning_party) ? row.planning_need_group : null,
    icd10Categories: covers('diagnosis', row.diagnosis_party) ? (row.diagnosis_categories ?? []) : [],
    hasSip: row.has_sip,
  };
}
