import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  inclusionProofs,
  LeafHashCache,
  latestTreeHead,
  leafBytes,
  sealAuditLog,
  verifyAuditLog,
} from '@samsyn/audit';
import {
  fromBase64Url,
  generateSigningJwk,
  leafHash,
  loadSigningKey,
  type SigningKey,
  verifyInclusion,
} from '@samsyn/auth';
import { appendAudit, auditLog, sequenceAuditLog, type Tx } from '@samsyn/db';
import { createTestDatabase, type TestDatabase } from '@samsyn/testkit';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Someone with database access edits the sealed access log directly in SQL, past the append-only
 * trigger. Every kind of edit — change, delete, reorder, insert — is caught by `pnpm audit:verify` and
 * by proof verification; the untouched log verifies.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const issuer = 'http://samsyn.test';
let database: TestDatabase;
let signingKey: SigningKey;
let jwksFile = '';

beforeAll(async () => {
  database = await createTestDatabase();
  signingKey = await loadSigningKey(await generateSigningJwk());
  jwksFile = path.join(await mkdtemp(path.join(tmpdir(), 'samsyn-jwks-')), 'jwks.json');
  await writeFile(jwksFile, JSON.stringify({ keys: [signingKey.publicJwk] }));
  for (let i = 1; i <= 20; i++) {
    await database.db.transaction((tx) =>
      appendAudit(tx, {
        action: 'status.read',
        partyId: 'kommun:1281',
        officerId: `officer-${i}`,
        personKey: `person-${i % 4}`,
        purpose: 'sip',
        categories: ['care'],
      }),
    );
    // Seal in several rounds so there are several signed heads.
    if (i % 7 === 0) {
      await sequenceAuditLog(database.db);
      await sealAuditLog(database.db, { signingKey, issuer });
    }
  }
  await sequenceAuditLog(database.db);
  await sealAuditLog(database.db, { signingKey, issuer });
});
afterAll(() => database.close());

const verify = (tx: Tx | TestDatabase['db']) => verifyAuditLog(tx, { keys: [signingKey.publicJwk] }, issuer);

/** Runs an edit past the trigger and the verification in one transaction, then undoes the edit. */
async function tampered(edit: (tx: Tx) => Promise<unknown>) {
  let result: Awaited<ReturnType<typeof verify>> | undefined;
  await database.db
    .transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await edit(tx);
      result = await verify(tx);
      throw new Error('undo');
    })
    .catch((error: Error) => {
      if (error.message !== 'undo') throw error;
    });
  if (!result) throw new Error('no result');
  return result;
}

describe('the sealed access log', () => {
  it('verifies untouched, through the command as well', async () => {
    expect(await verify(database.db)).toMatchObject({ ok: true, treeSize: 20 });
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'infra/audit-verify.ts')],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: database.url, GATEWAY_JWKS_FILE: jwksFile, PUBLIC_URL: issuer },
      },
    );
    expect(stdout).toContain('audit log verifies: 20 entries');
  });

  it('names a changed entry', async () => {
    const result = await tampered((tx) =>
      tx.update(auditLog).set({ officerId: 'someone-else' }).where(eq(auditLog.seq, 5)),
    );
    expect(result).toMatchObject({ ok: false, firstBadSeq: 5 });
  });

  it('names a deleted entry', async () => {
    const result = await tampered((tx) => tx.delete(auditLog).where(eq(auditLog.seq, 7)));
    expect(result).toMatchObject({ ok: false, firstBadSeq: 7 });
  });

  it('names reordered entries', async () => {
    const result = await tampered(async (tx) => {
      await tx.update(auditLog).set({ seq: -3 }).where(eq(auditLog.seq, 3));
      await tx.update(auditLog).set({ seq: 3 }).where(eq(auditLog.seq, 4));
      await tx.update(auditLog).set({ seq: 4 }).where(eq(auditLog.seq, -3));
    });
    expect(result).toMatchObject({ ok: false, firstBadSeq: 3 });
  });

  it('names an inserted entry', async () => {
    const result = await tampered(async (tx) => {
      await tx.execute(sql`update audit_log set seq = -seq - 1 where seq >= 10`);
      await tx.execute(sql`update audit_log set seq = -seq where seq < 0`);
      await appendAudit(tx, {
        action: 'status.read',
        partyId: 'fk',
        officerId: 'inserted',
        personKey: 'person-1',
      });
      await tx.execute(sql`update audit_log set seq = 10 where officer_id = 'inserted'`);
    });
    expect(result).toMatchObject({ ok: false, firstBadSeq: 10 });
  });

  it('catches an edit that also rewrites the stored leaf hash', async () => {
    const result = await tampered(async (tx) => {
      await tx.update(auditLog).set({ purpose: 'coordination' }).where(eq(auditLog.seq, 12));
      const [row] = await tx.select().from(auditLog).where(eq(auditLog.seq, 12));
      if (!row) throw new Error('no row');
      await tx.execute(
        sql`update audit_leaf_hashes set leaf_hash = ${Buffer.from(leafHash(leafBytes(row)))} where seq = 12`,
      );
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.firstBadSeq).toBeLessThanOrEqual(12);
  });

  it('makes a changed entry fail its inclusion proof against the signed root', async () => {
    const head = await latestTreeHead(database.db);
    if (!head) throw new Error('no head');
    const proofs = await inclusionProofs(database.db, new LeafHashCache(), [5]);
    const proof = proofs.get(5);
    if (!proof) throw new Error('no proof');
    const [row] = await database.db.select().from(auditLog).where(eq(auditLog.seq, 5));
    if (!row) throw new Error('no row');
    const check = (entry: typeof row) =>
      verifyInclusion(
        leafHash(leafBytes(entry)),
        proof.leafIndex,
        head.treeSize,
        proof.hashes.map(fromBase64Url),
        fromBase64Url(head.rootHash),
      );
    expect(check(row)).toBe(true);
    expect(check({ ...row, officerId: 'someone-else' })).toBe(false);
    expect(check({ ...row, seq: 6 })).toBe(false);
  });

  it('makes the command name the first bad record and fail', async () => {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx
        .update(auditLog)
        .set({ categories: ['diagnosis'] })
        .where(eq(auditLog.seq, 15));
    });
    const failed = await run(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'infra/audit-verify.ts')],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: database.url, GATEWAY_JWKS_FILE: jwksFile, PUBLIC_URL: issuer },
      },
    ).catch((error: { code: number; stdout: string }) => error);
    expect(failed).toMatchObject({ code: 1, stdout: expect.stringContaining('first bad record: seq 15') });
    const rows = await database.db.select({ seq: auditLog.seq }).from(auditLog).orderBy(asc(auditLog.seq));
    expect(rows).toHaveLength(20);
  });
});
