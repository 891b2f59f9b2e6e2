import { createTestDatabase, type TestDatabase } from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../src/migrate';
import { parties } from '../src/schema';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe('migrations and the party registry', () => {
  it('are already applied to a fresh database, and applying them again changes nothing', async () => {
    const before = await database.sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
    await runMigrations(database.url);
    const after = await database.sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
    expect(after[0]?.n).toBe(before[0]?.n);
    expect(before[0]?.n).toBeGreaterThan(0);
  });

  it('refuses a party without any keys', async () => {
    await expect(
      database.db.insert(parties).values({ id: 'kommun:4242', kind: 'kommun', displayName: 'Nyckellös' }),
    ).rejects.toThrow();
  });

  it('stores a party with inline keys, active by default', async () => {
    const [row] = await database.db
      .insert(parties)
      .values({ id: 'kommun:4243', kind: 'kommun', displayName: 'Med nycklar', jwks: { keys: [] } })
      .returning();
    expect(row).toMatchObject({ active: true, dpopRequired: false, memberIds: [] });
  });
});
