import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productInstallation, root, stopProcess } from './product-process';

/**
 * `pnpm demo` against a product started fresh with README's first command: every step of the story
 * must succeed, and what it claims must be true in the database the product wrote.
 */
const run = promisify(execFile);
let product: Awaited<ReturnType<typeof productInstallation>>;
let child: ReturnType<Awaited<ReturnType<typeof productInstallation>>['start']>;

beforeAll(async () => {
  product = await productInstallation();
  child = product.start();
  await product.waitReady(120_000);
}, 180_000);
afterAll(async () => {
  if (child) expect(await stopProcess(child)).toBe(0);
  await product.remove();
}, 60_000);

describe('pnpm demo on a fresh start', () => {
  it('plays every step of the story and the product records what it shows', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'infra/dev/demo.ts')],
      {
        cwd: root,
        env: { ...product.toolEnv(), NO_COLOR: '1' },
        timeout: 120_000,
      },
    );
    for (let step = 1; step <= 16; step++) expect(stdout).toContain(`[${String(step).padStart(2)}/16]`);
    expect(stdout).toContain('All 16 steps succeeded');
    expect(stdout).not.toMatch(/← [45]\d\d/);
    expect(stdout).toContain('Idempotent-Replayed: true');
    expect(stdout).toContain('diagnosis: withheld');
    expect(stdout).toContain('certificate: withheld from now on');

    const sql = postgres(`postgres://samsyn:samsyn@127.0.0.1:${product.pgPort}/samsyn`, {
      max: 1,
      onnotice: () => {},
    });
    try {
      // Four invitations delivered, then one withdrawal notice to each agency, all acknowledged.
      const deliveries = await sql`
        select event_type, state, count(*)::int as n from deliveries
        where event_type in ('invitation.created', 'consent.withdrawn') group by 1, 2 order by 1, 2`;
      expect(deliveries.map((row) => [row.event_type, row.state, row.n])).toEqual([
        ['consent.withdrawn', 'delivered', 4],
        ['invitation.created', 'delivered', 4],
      ]);
      const [sip] = await sql`select phase, closure_reason from sips`;
      expect(sip).toMatchObject({ phase: 'closure', closure_reason: 'consent_withdrawn' });
      // Sara and the nine in the förbund's cohort: one follow-up consent each, still valid.
      const [followUp] = await sql`
        select count(*)::int as n from consents where 'follow_up' = any(purposes) and revoked_at is null`;
      expect(followUp?.n).toBe(10);
    } finally {
      await sql.end();
    }
  }, 150_000);
});
