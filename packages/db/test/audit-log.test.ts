import { createTestDatabase, type TestDatabase } from '@samsyn/testkit';
import { asc, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditEntry, appendAudit, sequenceAuditLog } from '../src/queries/audit';
import { auditLog } from '../src/schema';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

function entry(personKey: string): AuditEntry {
  return { action: 'status.read', partyId: 'kommun:1281', officerId: 'o', personKey, categories: ['care'] };
}

async function sequenced() {
  return database.db
    .select({ seq: auditLog.seq, personKey: auditLog.personKey })
    .from(auditLog)
    .where(isNotNull(auditLog.seq))
    .orderBy(asc(auditLog.seq));
}

/** PostgreSQL's own message: drizzle wraps the driver's error and keeps it as `cause`. */
async function refusal(attempt: PromiseLike<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return cause instanceof Error ? cause.message : String(cause);
  }
  return 'not refused';
}

describe('the access log', () => {
  it('sequences only entries no running transaction can precede, gap-free and in order', async () => {
    let releaseSlow: () => void = () => {};
    const slowMayCommit = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    let slowInserted: () => void = () => {};
    const slowHasInserted = new Promise<void>((resolve) => {
      slowInserted = resolve;
    });
    const slow = database.db.transaction(async (tx) => {
      await appendAudit(tx, entry('slow'));
      slowInserted();
      await slowMayCommit;
    });
    await slowHasInserted;
    await database.db.transaction((tx) => appendAudit(tx, entry('fast')));

    // The slow transaction started first and is still open: nothing after it may be numbered yet.
    expect(await sequenceAuditLog(database.db)).toBe(0);
    releaseSlow();
    await slow;
    expect(await sequenceAuditLog(database.db)).toBe(2);
    expect(await sequenced()).toEqual([
      { seq: 1, personKey: 'slow' },
      { seq: 2, personKey: 'fast' },
    ]);
  });

  it('leaves no gap for a transaction that rolled back, and numbers concurrent writers contiguously', async () => {
    await database.db
      .transaction(async (tx) => {
        await appendAudit(tx, entry('rolled-back'));
        throw new Error('abort');
      })
      .catch(() => {});
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => database.db.transaction((tx) => appendAudit(tx, entry(`w${i}`)))),
    );
    let total = 0;
    for (let round = 0; round < 10 && total < 30; round++) total += await sequenceAuditLog(database.db);
    const rows = await sequenced();
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    expect(rows.some((row) => row.personKey === 'rolled-back')).toBe(false);
    expect(rows.filter((row) => row.personKey.startsWith('w'))).toHaveLength(30);
  });

  it('refuses to change or delete an entry, or to renumber one', async () => {
    const [first] = await sequenced();
    expect(first).toBeDefined();
    const changed = database.db.update(auditLog).set({ partyId: 'fk' }).where(eq(auditLog.seq, 1));
    expect(await refusal(changed)).toMatch(/cannot be changed/);
    const renumbered = database.db.update(auditLog).set({ seq: 999 }).where(eq(auditLog.seq, 1));
    expect(await refusal(renumbered)).toMatch(/cannot be changed/);
    expect(await refusal(database.db.delete(auditLog).where(eq(auditLog.seq, 1)))).toMatch(/append-only/);
    expect(await refusal(database.sql`truncate audit_log`)).toMatch(/append-only/);
    expect(await sequenced()).toHaveLength(32);
  });
});
