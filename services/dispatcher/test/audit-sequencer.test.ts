import { appendAudit, auditLog } from '@samsyn/db';
import { createLogger } from '@samsyn/http';
import { createTestDatabase, type TestDatabase } from '@samsyn/testkit';
import { isNull } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAuditSequencer } from '../src/audit-sequencer';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

it('numbers entries as they commit, until stopped', async () => {
  const sequencer = startAuditSequencer({
    db: database.db,
    logger: createLogger({ name: 'test', level: 'silent' }),
    intervalMs: 50,
  });
  for (let i = 0; i < 5; i++) {
    await database.db.transaction((tx) =>
      appendAudit(tx, { action: 'consent.read', partyId: 'fk', officerId: 'o', personKey: `p${i}` }),
    );
  }
  await expect
    .poll(async () => (await database.db.select().from(auditLog).where(isNull(auditLog.seq))).length, {
      timeout: 5000,
    })
    .toBe(0);
  await sequencer.stop();
  const rows = await database.db.select({ seq: auditLog.seq }).from(auditLog);
  expect(rows.map((row) => row.seq).sort()).toEqual([1, 2, 3, 4, 5]);
});
