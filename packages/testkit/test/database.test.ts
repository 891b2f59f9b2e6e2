import { parties } from '@samsyn/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/database';
import { createTestParty } from '../src/parties';

let first: TestDatabase;
let second: TestDatabase;
beforeAll(async () => {
  [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});
afterAll(async () => {
  await first.close();
  await second.close();
});

describe('createTestDatabase', () => {
  it('gives each caller its own migrated database', async () => {
    expect(first.name).not.toBe(second.name);
    const party = await createTestParty(first.db, 'kommun');
    expect(await first.db.select().from(parties)).toHaveLength(1);
    expect(await second.db.select().from(parties)).toHaveLength(0);
    expect(party.privateJwk.d).toBeDefined();
  });
});
