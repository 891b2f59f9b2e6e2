import type { DbOrTx } from '../client';
import { persons } from '../schema';

export type PersonRow = typeof persons.$inferInsert;

/** Records a person the first time anyone mentions them; later mentions change nothing. */
export async function ensurePerson(db: DbOrTx, person: PersonRow): Promise<void> {
  await db.insert(persons).values(person).onConflictDoNothing({ target: persons.personKey });
}
