import type { Db } from '@samsyn/db';
import type { Category, PersonAt, StatusAt } from '@samsyn/domain';
import { sql } from 'drizzle-orm';
import type { Scope } from './scope';

/**
 * The people a förbund's figures may count at `day`: a follow-up consent (purpose `follow_up`, as in
 * SUS) valid now that names the förbund and covers assistance, and active assistance at `day` from a
 * kommun in scope. A withdrawn consent drops the person from every snapshot computed afterwards.
 * Each person comes with the statuses valid at `day` of the categories the consent covers, read from
 * the status periods — never by replaying events.
 */
export async function peopleAt(
  db: Db,
  scope: Scope,
  day: string,
  /** Instead of everyone on assistance at `day`: these persons (a baseline followed up later). */
  only?: string[],
): Promise<Map<string, PersonAt>> {
  const kommuner = scope.kommunIds.join(',');
  const consented = sql`
    select c.person_key, array_agg(distinct cat) as categories
    from consents c, unnest(c.categories) as cat
    where 'follow_up' = any(c.purposes) and ${scope.forbundId} = any(c.parties)
      and c.valid_from <= now() and c.valid_until > now() and (c.revoked_at is null or c.revoked_at > now())
    group by c.person_key`;
  const rows = await db.execute<{
    person_key: string;
    category: Category;
    party_id: string;
    kind: string;
    data: Record<string, unknown>;
    birth_year: number;
    birth_month: number;
    legal_sex: 'male' | 'female';
    has_sip: boolean;
  }>(sql`
    with consented as (${consented}),
    population as (${
      only
        ? sql`select k as person_key from unnest(string_to_array(${only.join(',')}, ',')) as k
              where k in (select person_key from consented)`
        : sql`select distinct sp.person_key
      from status_periods sp join consented c on c.person_key = sp.person_key
      where sp.category = 'assistance' and sp.kind = 'active' and 'assistance' = any(c.categories)
        and sp.party_id = any(string_to_array(${kommuner}, ','))
        and sp.valid_from <= ${day}::date and (sp.valid_until is null or sp.valid_until > ${day}::date)`
    }),
    open_sips as (
      select distinct s.person_key from sips s join population p on p.person_key = s.person_key
      where s.opened_at < (${day}::date + 1) and (s.closed_at is null or s.closed_at >= (${day}::date + 1))
    )
    select sp.person_key, sp.category, sp.party_id, sp.kind, sp.data,
           pe.birth_year, pe.birth_month, pe.legal_sex, (os.person_key is not null) as has_sip
    from population p
    join persons pe on pe.person_key = p.person_key
    join consented c on c.person_key = p.person_key
    join status_periods sp on sp.person_key = p.person_key
    left join open_sips os on os.person_key = p.person_key
    where sp.category = any(c.categories)
      and (sp.category <> 'assistance' or sp.party_id = any(string_to_array(${kommuner}, ',')))
      and sp.valid_from <= ${day}::date and (sp.valid_until is null or sp.valid_until > ${day}::date)`);
  const people = new Map<string, PersonAt>();
  for (const row of rows) {
    let person = people.get(row.person_key);
    if (!person) {
      person = {
        birthYear: row.birth_year,
        birthMonth: row.birth_month,
        legalSex: row.legal_sex,
        statuses: {},
        hasSip: row.has_sip,
      };
      people.set(row.person_key, person);
    }
    const status: StatusAt = { partyId: row.party_id, kind: row.kind, data: row.data };
    const list = person.statuses[row.category] ?? [];
    list.push(status);
    person.statuses[row.category] = list;
  }
  return people;
}
