import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import type { persons } from '../schema';

export type PersonRow = typeof persons.$inferInsert;

/**
 * Records persons the first time anyone mentions them; later mentions change nothing. The rows travel
 * as one JSON parameter (cheap for a batch of hundreds), in a fixed order so concurrent batches that
 * mention the same persons cannot deadlock.
 */
export async function ensurePersons(db: DbOrTx, rows: PersonRow[]): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((row) => ({
      person_key: row.personKey,
      sealed_number: row.sealedNumber,
      number_kind: row.numberKind,
      birth_year: row.birthYear,
      birth_month: row.birthMonth,
      legal_sex: row.legalSex,
    })),
  );
  await db.execute(sql`
    insert into persons (person_key, sealed_number, number_kind, birth_year, birth_month, legal_sex)
    select person_key, sealed_number, number_kind, birth_year, birth_month, legal_sex
    from jsonb_to_recordset(${json}::jsonb) as p(
      person_key text, sealed_number text, number_kind text, birth_year smallint, birth_month smallint,
      legal_sex text)
    order by person_key
    on conflict (person_key) do nothing`);
}

/** Which of these person keys are recorded already. */
export async function existingPersonKeys(db: DbOrTx, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.execute<{ person_key: string }>(sql`
    select person_key from persons
    where person_key = any(array(select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb)))`);
  return new Set(rows.map((row) => row.person_key));
}

export function ensurePerson(db: DbOrTx, person: PersonRow): Promise<void> {
  return ensurePersons(db, [person]);
}
