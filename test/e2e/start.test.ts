import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, portInUse, productInstallation, root, stopProcess } from './product-process';

/**
 * README's first command, end to end: `pnpm start` with no DATABASE_URL brings up embedded PostgreSQL,
 * migrations, the dev registry, the gateway and the dispatcher; `pnpm token` gets a token from it; a
 * signal stops everything; a second start finds the data where the first left it.
 */
const run = promisify(execFile);
let product: Awaited<ReturnType<typeof productInstallation>>;

async function token(args: string[]): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'infra/dev/token.ts'), ...args],
    {
      cwd: root,
      env: product.toolEnv(),
    },
  );
  return stdout.trim();
}

async function whoami(accessToken: string) {
  const response = await fetch(`${product.url}/v1/whoami`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const flowPerson = '19850412-6122';

async function call(accessToken: string, method: string, path: string, body?: unknown, headers = {}) {
  const response = await fetch(`${product.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * The exchange through the running product, as agencies would use it: a consent recorded by the
 * kommun, statuses published by the region and FK, read by the kommun, the consent revoked, and the
 * next read withheld. Every read is in the access log, numbered by the dispatcher.
 */
async function exchangeFlow() {
  const scope = ['--scope', 'consent:write consent:read status:write status:read'];
  const kommun = await token(['--party', 'kommun:1281', '--sub', 'handlaggare-1', ...scope]);
  const region = await token(['--party', 'region:12', '--sub', 'lakare-1', ...scope]);
  const fk = await token(['--party', 'fk', '--sub', 'fk-1', ...scope]);
  const recorded = await call(kommun, 'POST', '/v1/consents', {
    personnummer: flowPerson,
    givenBy: { kind: 'person' },
    parties: ['kommun:1281', 'region:12', 'fk'],
    categories: ['certificate', 'insurance'],
    purposes: ['sip'],
    validFrom: new Date(Date.now() - 60_000).toISOString(),
    validUntil: new Date(Date.now() + 86_400_000).toISOString(),
    form: 'written',
    evidenceReference: 'dnr 2026-17',
    plainLanguageText:
      'Jag samtycker till att kommunen, regionen och Försäkringskassan delar uppgifter inför SIP.',
    legalBasis: 'public-task-social-protection',
  });
  expect(recorded.status).toBe(201);
  const certificate = {
    personnummer: flowPerson,
    category: 'certificate',
    kind: 'issued',
    effectiveDate: '2026-11-01',
    data: {
      validFrom: '2026-11-01',
      validUntil: '2026-12-31',
      extentPercent: 100,
      issuerKind: 'psychiatry',
      dfaChainComplete: true,
    },
  };
  expect(
    (await call(region, 'POST', '/v1/status-events', certificate, { 'idempotency-key': 'e2e-region-0001' }))
      .status,
  ).toBe(201);
  const query = { personnummer: flowPerson, purpose: 'sip', categories: ['certificate', 'insurance'] };
  const read = await call(kommun, 'POST', '/v1/status-queries', query);
  expect(read.body.categories).toEqual([
    expect.objectContaining({
      category: 'certificate',
      access: 'granted',
      statuses: [expect.objectContaining({ kind: 'issued' })],
    }),
    { category: 'insurance', access: 'granted', statuses: [] },
  ]);
  const consentId = (recorded.body.consent as { id: string }).id;
  const revoked = await call(fk, 'POST', `/v1/consents/${consentId}/revocation`, {
    reason: 'Återkallat vid telefonsamtal.',
  });
  expect(revoked.status).toBe(200);
  const after = await call(kommun, 'POST', '/v1/status-queries', query);
  expect(after.body.categories).toEqual([
    { category: 'certificate', access: 'withheld' },
    { category: 'insurance', access: 'withheld' },
  ]);
  const sql = postgres(`postgres://samsyn:samsyn@127.0.0.1:${product.pgPort}/samsyn`, {
    max: 1,
    onnotice: () => {},
  });
  try {
    await expect
      .poll(
        async () =>
          (await sql`select action, seq::int as seq from audit_log order by seq`).map((r) => [
            r.action,
            r.seq,
          ]),
        {
          timeout: 10_000,
        },
      )
      .toEqual([
        ['consent.recorded', 1],
        ['status.published', 2],
        ['status.read', 3],
        ['consent.revoked', 4],
      ]);
  } finally {
    await sql.end();
  }
}

beforeAll(async () => {
  product = await productInstallation();
});
afterAll(() => product.remove());

describe('pnpm start on a machine without DATABASE_URL', () => {
  let firstAccessToken = '';

  it('serves /readyz, a valid OpenAPI 3.1 document and the docs page, starting its own Redis', async () => {
    const redisPort = await freePort();
    const child = product.start(redisPort);
    try {
      await product.waitReady(120_000);
      const document = (await (await fetch(`${product.url}/openapi.json`)).json()) as Record<string, unknown>;
      expect(document.openapi).toBe('3.1.0');
      expect(Object.keys(document.paths as object)).toEqual(
        expect.arrayContaining(['/oauth2/token', '/v1/whoami', '/.well-known/jwks.json']),
      );
      const docs = await fetch(`${product.url}/docs`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('/openapi.json');

      firstAccessToken = await token(['--party', 'fk', '--sub', 't1', '--scope', 'whoami']);
      for (let i = 0; i < 2; i++) {
        const me = await whoami(firstAccessToken);
        expect(me.status).toBe(200);
        expect(me.body).toMatchObject({ kind: 'agency', party: { id: 'fk' }, officer: 't1' });
      }
      const citizen = await token(['--citizen', '19811218-9876', '--scope', 'whoami']);
      expect((await whoami(citizen)).body).toMatchObject({ kind: 'citizen', issuer: 'eid:dev' });
      const assertion = await token(['--party', 'kommun:1281', '--assertion-only']);
      expect(assertion.split('.')).toHaveLength(3);
    } finally {
      expect(await stopProcess(child)).toBe(0);
    }
    expect(product.output).toContain('started redis-server');
    expect(product.output).toContain('stopping');
    expect(await portInUse(redisPort)).toBe(false);
    expect(product.output).not.toMatch(/811218/);
    // The embedded PostgreSQL has stopped with the rest.
    expect(await portInUse(product.pgPort)).toBe(false);
  });

  it('starts again on the same data with the machine’s Redis: keys and registry survive, old tokens verify', async () => {
    const child = product.start();
    try {
      await product.waitReady(60_000);
      expect((await whoami(firstAccessToken)).status).toBe(200);
      await exchangeFlow();
    } finally {
      expect(await stopProcess(child)).toBe(0);
    }
    // Nothing the product printed, from any process, holds the personnummer the flow used.
    expect(product.output).not.toContain(flowPerson);
    expect(product.output).not.toContain(flowPerson.replace('-', ''));
    expect(product.output).not.toContain(flowPerson.replace('-', '').slice(2));
  });

  it('refuses to issue dev tokens in production', async () => {
    const failed = await run(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'infra/dev/token.ts'), '--party', 'fk'],
      {
        cwd: root,
        env: { ...process.env, NODE_ENV: 'production' },
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('production') });
  });

  it('stops with one line naming the variable when configuration is bad', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', path.join(root, 'infra/dev/start.ts')], {
      cwd: root,
      env: { ...process.env, PORT: 'eighty', DATA_DIR: product.dataDir },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('PORT') });
  });

  it('says how to get Redis when REDIS_URL points at nothing', async () => {
    const deadPort = await freePort();
    const failed = await run(process.execPath, ['--import', 'tsx', path.join(root, 'infra/dev/start.ts')], {
      cwd: root,
      env: {
        ...process.env,
        REDIS_URL: `redis://127.0.0.1:${deadPort}`,
        DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
      },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('REDIS_URL') });
  });
});
