import { getTableColumns, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { followUpFacts } from '../schema';

const columns = Object.values(getTableColumns(followUpFacts)).map((column) => column.name);
const columnList = sql.raw(columns.map((name) => `"${name}"`).join(', '));
const updates = sql.raw(
  columns
    .filter((name) => name !== 'person_key')
    .map((name) => `"${name}" = excluded."${name}"`)
    .join(', '),
);

/**
 * Re-derives the follow-up facts of these persons from their current status periods, in the
 * publishing transaction after the periods are refreshed. The persons are locked first (in a fixed
 * order, so concurrent publishers cannot deadlock): two parties publishing about one person at once
 * would otherwise each derive the row without the other's uncommitted statuses, and the later commit
 * would drop the earlier one's. Waiting for the lock lets the next statement see what the other
 * transaction committed.
 */
export async function refreshFollowUpFacts(db: DbOrTx, personKeys: string[]): Promise<void> {
  if (personKeys.length === 0) return;
  const keys = sql`array(select jsonb_array_elements_text(${JSON.stringify([...new Set(personKeys)].sort())}::jsonb))`;
  await db.execute(sql`
    select 1 from persons where person_key = any(${keys}) order by person_key for no key update`);
  await db.execute(sql`
    insert into follow_up_facts (${columnList})
    select ${columnList} from follow_up_facts_source where person_key = any(${keys})
    on conflict (person_key) do update set ${updates}`);
}
