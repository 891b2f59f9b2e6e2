import type { Db } from '@samsyn/db';
import type { Category, PersonAt, StatusAt } from '@samsyn/domain';
import type { FiguresScope } from '@samsyn/http';
import { sql } from 'drizzle-orm';

/**
 * A consent that lets the förbund's figures count the person: purpose `follow_up` (as in SUS), naming
 * the förbund, valid now and not revoked. Containment rather than = any(): the planner has element
 * statistics for it, so it knows that nearly every consent qualifies and plans the large joins as such.
 */
export function consentQualifies(scope: FiguresScope, alias: 'c' | 'c2') {
  const c = sql.raw(alias);
  return sql`${c}.purposes @> array['follow_up'] and ${c}.parties @> array[${scope.forbundId}::text]
    and ${c}.valid_from <= now() and ${c}.valid_until > now() and (${c}.revoked_at is null or ${c}.revoked_at > now())`;
}

/**
 * Per person with a follow-up consent (purpose `follow_up`, as in SUS) valid now that names the förbund:
 * the union of the categories and of the parties of all such consents. Most people have one; the
 * union is only computed for those who have more.
 */
export function consentedFor(scope: FiguresScope) {
  const union = (column: 'categories' | 'parties') => sql`
    case when count(*) = 1 then min(c.${sql.raw(column)})
    else (select array_agg(distinct value) from consents c2, unnest(c2.${sql.raw(column)}) as value
          where c2.person_key = c.person_key and ${consentQualifies(scope, 'c2')}) end`;
  return sql`
    select c.person_key, ${union('categories')} as categories, ${union('parties')} as parties
    from consents c
    where ${consentQualifies(scope, 'c')}
    group by c.person_key`;
}

/**
 * The people a förbund's figures may count at `day`: a follow-up consent (purpose `follow_up`, as in
 * SUS) valid now that names the förbund and covers assistance, and active assistance at `day` from a
 * kommun in scope. A withdrawn consent drops the person from every snapshot computed afterwards.
 * Each person comes with the statuses valid at `day` of the categories the consent covers, read from
 * the status periods — never by replaying events.
 */
export async function peopleAt(
  db: Db,
  scope: FiguresScope,
  day: string,
  /** Instead of everyone on assistance at `day`: these persons (a baseline followed up later). */
  only?: string[],
): Promise<Map<string, PersonAt>> {
  const kommuner = scope.kommunIds.join(',');
  const validAt = sql`sp.valid_from <= ${day}::date and (sp.valid_until is null or sp.valid_until > ${day}::date)`;
  const rows = await db.execute<{
    person_key: string;
    birth_year: number;
    birth_month: number;
    legal_sex: 'male' | 'female';
    has_sip: boolean;
    statuses: Array<[Category, string, string, Record<string, unknown>]>;
  }>(sql`
    with consented as (${consentedFor(scope)}),
    population as (${
      only
        ? sql`select c.person_key, c.categories, c.parties from consented c
              where c.person_key = any(string_to_array(${only.join(',')}, ',')) and 'assistance' = any(c.categories)`
        : sql`select distinct c.person_key, c.categories, c.parties
              from status_periods sp join consented c on c.person_key = sp.person_key
              where sp.category = 'assistance' and sp.kind = 'active' and 'assistance' = any(c.categories)
                and sp.party_id = any(string_to_array(${kommuner}, ',')) and ${validAt}`
    }),
    open_sips as (
      select distinct s.person_key from sips s join population p on p.person_key = s.person_key
      where s.opened_at < (${day}::date + 1) and (s.closed_at is null or s.closed_at >= (${day}::date + 1))
    )
    -- One row per person with its statuses as one JSON array: far fewer rows to decode than one a status.
    select p.person_key, pe.birth_year, pe.birth_month, pe.legal_sex, (os.person_key is not null) as has_sip,
           -- In party order, so that where two parties publish one category the same one comes first.
           jsonb_agg(jsonb_build_array(sp.category, sp.party_id, sp.kind, sp.data)
                     order by sp.category collate "C", sp.party_id collate "C") as statuses
    from population p
    join persons pe on pe.person_key = p.person_key
    join status_periods sp on sp.person_key = p.person_key
    left join open_sips os on os.person_key = p.person_key
    -- Only what the follow-up consent covers: its categories, from the parties it names.
    where sp.category = any(p.categories) and sp.party_id = any(p.parties) and ${validAt}
      and (sp.category <> 'assistance' or sp.party_id = any(string_to_array(${kommuner}, ',')))
    group by p.person_key, pe.birth_year, pe.birth_month, pe.legal_sex, os.person_key`);
  const people = new Map<string, PersonAt>();
  for (const row of rows) {
    const statuses: PersonAt['statuses'] = {};
    for (const [category, partyId, kind, data] of row.statuses) {
      const status: StatusAt = { partyId, kind, data };
      const list = statuses[category] ?? [];
      list.push(status);
      statuses[category] = list;
    }
    people.set(row.person_key, {
      birthYear: row.birth_year,
      birthMonth: row.birth_month,
      legalSex: row.legal_sex,
      statuses,
      hasSip: row.has_sip,
    });
  }
  return people;
}
