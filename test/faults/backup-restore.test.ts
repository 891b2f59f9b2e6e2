import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sealAuditLog, verifyAuditLog } from '@samsyn/audit';
import { generateSigningJwk, loadSigningKey, type SigningKey } from '@samsyn/auth';
import { appendAudit, auditLog, createDatabase, sequenceAuditLog } from '@samsyn/db';
import { createTestDatabase, databaseUrlFor, type TestDatabase, testEnv } from '@samsyn/testkit';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The documented backup (infra/README.md, "Backups"): `pg_dump --format=custom`, restored with
 * `pg_restore` into an empty database. The restored access log still verifies against the signed tree
 * heads, and stays append-only.
 */
const run = promisify(execFile);
const issuer = 'http://samsyn.test';
let source: TestDatabase;
let signingKey: SigningKey;
const restoredName = `samsyn_restore_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  source = await createTestDatabase();
  signingKey = await loadSigningKey(await generateSigningJwk());
  for (let i = 0; i < 12; i++) {
    await source.db.transaction((tx) =>
      appendAudit(tx, {
        action: 'status.read',
        partyId: 'region:12',
        officerId: `o${i}`,
        personKey: 'person',
        categories: ['care'],
      }),
    );
  }
  await sequenceAuditLog(source.db);
  await sealAuditLog(source.db, { signingKey, issuer });
});
afterAll(async () => {
  await source.close();
  const admin = postgres(testEnv.adminDatabaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${restoredName} with (force)`);
  await admin.end();
});

describe('a database backup restored elsewhere', () => {
  it('keeps the audit chain verifiable and append-only', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'samsyn-backup-')), 'samsyn.dump');
    await run('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, source.url]);
    const admin = postgres(testEnv.adminDatabaseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${restoredName}`);
    await admin.end();
    const restoredUrl = databaseUrlFor(restoredName);
    await run('pg_restore', ['--no-owner', `--dbname=${restoredUrl}`, file]);
    const restored = createDatabase({ url: restoredUrl, maxConnections: 2 });
    try {
      const result = await verifyAuditLog(restored.db, { keys: [signingKey.publicJwk] }, issuer);
      expect(result).toMatchObject({ ok: true, treeSize: 12 });
      await expect(
        restored.db.update(auditLog).set({ officerId: 'x' }).where(eq(auditLog.seq, 3)),
      ).rejects.toThrow();
      // The restored log goes on: new entries are numbered and sealed after the restored ones.
      await restored.db.transaction((tx) =>
        appendAudit(tx, { action: 'status.read', partyId: 'fk', officerId: 'after', personKey: 'person' }),
      );
      await sequenceAuditLog(restored.db);
      await sealAuditLog(restored.db, { signingKey, issuer });
      expect(await verifyAuditLog(restored.db, { keys: [signingKey.publicJwk] }, issuer)).toMatchObject({
        ok: true,
        treeSize: 13,
      });
    } finally {
      await restored.close();
    }
  });
});
