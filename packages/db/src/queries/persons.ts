import type { DbOrTx } from '../client';
import { persons } from '../schema';

export type PersonRow = typeof persons.$inferInsert;

/** Records persons the first time anyone mentions them; later mentions change nothing. */
export async function ensurePersons(db: DbOrTx, rows: PersonRow[]): Promise<void> {
  if (rows.length === 0) return;
  // A fixed order keeps concurrent batches that mention the same persons from deadlocking.
  const sorted = [...rows].sort((a, b) => (a.personKey < b.personKey ? -1 : 1));
  await db.insert(persons).values(sorted).onConflictDoNothing({ target: persons.personKey });
}

export function ensurePerson(db: DbOrTx, person: PersonRow): Promise<void> {
  return ensurePersons(db, [person]);
}
