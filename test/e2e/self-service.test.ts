import { leafBytes } from '@samsyn/audit';
import { fromBase64Url, leafHash, verifyConsistency, verifyInclusion } from '@samsyn/auth';
import { signAssertion } from '@samsyn/client';
import { auditLog } from '@samsyn/db';
import {
  createTestCitizenIssuer,
  createTestConsent,
  createTestParty,
  type TestParty,
  testPersonnummer,
} from '@samsyn/testkit';
import { eq } from 'drizzle-orm';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtBearer } from '../../services/gateway/test/harness';
import {
  allScopes,
  callApi,
  dispatcherSettings,
  startDispatcher,
  startTestGateway,
  type TestGateway,
} from './sip-harness';

/**
 * The individual's side: consents, withdrawal and the access log, for the person and for their
 * representatives, with every entry provably in the signed, sealed log.
 */
let gateway: TestGateway;
let dispatcher: ReturnType<typeof startDispatcher>;
let kommun: TestParty;
let region: TestParty;
let issuer: Awaited<ReturnType<typeof createTestCitizenIssuer>>;
const tokens: Record<string, string> = {};
const anna = testPersonnummer();
const bo = testPersonnummer();
const cecilia = testPersonnummer();
const dan = testPersonnummer();
let annaConsentId = '';

async function citizenToken(personnummer: string): Promise<string> {
  const assertion = await signAssertion({
    issuer: issuer.id,
    subject: personnummer,
    audience: gateway.tokenEndpoint,
    privateJwk: issuer.privateJwk,
  });
  const response = await gateway.requestToken({
    grant_type: jwtBearer,
    assertion,
    scope: 'whoami self:read self:write',
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

beforeAll(async () => {
  gateway = await startTestGateway();
  kommun = await createTestParty(gateway.database.db, 'kommun');
  region = await createTestParty(gateway.database.db, 'region');
  issuer = await createTestCitizenIssuer(gateway.database.db);
  tokens.kommun = await gateway.tokenFor(kommun, allScopes, 'kommun-officer');
  tokens.region = await gateway.tokenFor(region, allScopes, 'region-officer');
  for (const [name, number] of Object.entries({ anna, bo, cecilia, dan }))
    tokens[name] = await citizenToken(number);
  dispatcher = startDispatcher(
    dispatcherSettings(gateway, {
      signer: { signingKey: gateway.signingKey, issuer: gateway.url },
      auditSequenceIntervalMs: 100,
    }),
  );
  const consent = await createTestConsent(gateway.database.db, gateway.persons, {
    personnummer: anna,
    parties: [kommun.id, region.id],
    categories: ['care', 'assistance'],
    purposes: ['sip', 'coordination'],
  });
  annaConsentId = consent.id;
});
afterAll(async () => {
  await dispatcher.stop();
  await gateway.close();
});

const me = (who: string, method: string, path: string, body?: unknown) =>
  callApi(gateway, tokens[who] ?? '', method, path, body);

describe('the person’s own view', () => {
  it('lists every audited read of the person in the access log (counted)', async () => {
    const reads = 7;
    for (let i = 0; i < reads; i++) {
      const reader = i % 2 === 0 ? 'kommun' : 'region';
      const read = await callApi(gateway, tokens[reader] ?? '', 'POST', '/v1/status-queries', {
        personnummer: anna,
        purpose: 'sip',
      });
      expect(read.status).toBe(200);
    }
    const log = await me('anna', 'GET', '/v1/me/access-log?limit=100');
    expect(log.status).toBe(200);
    const entries = log.body.entries as Array<{
      action: string;
      party: { id: string } | null;
      officer: string;
      consentIds: string[];
    }>;
    const statusReads = entries.filter((e) => e.action === 'status.read');
    expect(statusReads).toHaveLength(reads);
    const inDatabase = await gateway.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'status.read'));
    expect(inDatabase).toHaveLength(reads);
    expect(statusReads.every((e) => e.consentIds.includes(annaConsentId))).toBe(true);
    expect(new Set(statusReads.map((e) => e.party?.id))).toEqual(new Set([kommun.id, region.id]));
    // Filter by party and export as CSV.
    const onlyRegion = await me(
      'anna',
      'GET',
      `/v1/me/access-log?party=${encodeURIComponent(region.id)}&limit=100`,
    );
    expect((onlyRegion.body.entries as unknown[]).length).toBe(3);
    const csv = await fetch(`${gateway.url}/v1/me/access-log?limit=100`, {
      headers: { authorization: `Bearer ${tokens.anna}`, accept: 'text/csv' },
    });
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toContain('seq,at,action,party');
    expect(lines.filter((line) => line.includes('"status.read"'))).toHaveLength(reads);
  });

  it('gives each sealed entry an inclusion proof that verifies against the signed tree head', async () => {
    await expect
      .poll(
        async () => {
          const log = await me('anna', 'GET', '/v1/me/access-log?limit=100');
          return (log.body.entries as Array<{ proof: unknown }>).every((e) => e.proof !== null);
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    const head = await me('anna', 'GET', '/v1/audit-tree-heads/latest');
    const verified = await jwtVerify(
      String(head.body.signedHead),
      createLocalJWKSet({ keys: [gateway.signingKey.publicJwk] }),
      {
        issuer: gateway.url,
        typ: 'samsyn-tree-head+jwt',
      },
    );
    const root = fromBase64Url(String(verified.payload.root_hash));
    const log = await me('anna', 'GET', '/v1/me/access-log?limit=100');
    const rows = await gateway.database.db.select().from(auditLog);
    for (const entry of log.body.entries as Array<{
      seq: number;
      proof: { treeSize: number; leafIndex: number; hashes: string[] };
    }>) {
      const row = rows.find((r) => r.seq === entry.seq);
      if (!row) throw new Error('entry not in the table');
      const ok = verifyInclusion(
        leafHash(leafBytes(row)),
        entry.proof.leafIndex,
        Number(verified.payload.tree_size),
        entry.proof.hashes.map(fromBase64Url),
        root,
      );
      expect(ok).toBe(true);
    }
  });

  it('serves consistency proofs between tree heads', async () => {
    const first = await me('anna', 'GET', '/v1/audit-tree-heads/latest');
    await callApi(gateway, tokens.kommun ?? '', 'POST', '/v1/status-queries', {
      personnummer: anna,
      purpose: 'sip',
    });
    await expect
      .poll(async () => (await me('anna', 'GET', '/v1/audit-tree-heads/latest')).body.treeSize, {
        timeout: 10_000,
      })
      .not.toBe(first.body.treeSize);
    const second = await me('anna', 'GET', '/v1/audit-tree-heads/latest');
    const proof = await me(
      'anna',
      'GET',
      `/v1/audit-consistency-proofs?first=${first.body.treeSize}&second=${second.body.treeSize}`,
    );
    expect(proof.status).toBe(200);
    const ok = verifyConsistency(
      Number(first.body.treeSize),
      Number(second.body.treeSize),
      fromBase64Url(String(first.body.rootHash)),
      fromBase64Url(String(second.body.rootHash)),
      (proof.body.hashes as string[]).map(fromBase64Url),
    );
    expect(ok).toBe(true);
  });
});

describe('BOLA: nobody sees another person’s consents or log', () => {
  it('a consent or log of someone else does not exist for you', async () => {
    expect((await me('cecilia', 'GET', `/v1/me/consents/${annaConsentId}`)).status).toBe(404);
    const theirs = await me('cecilia', 'GET', '/v1/me/consents');
    expect(theirs.body.consents).toEqual([]);
    const log = await me('cecilia', 'GET', '/v1/me/access-log');
    expect(log.body.entries).toEqual([]);
    expect(
      (await me('cecilia', 'POST', `/v1/me/consents/${annaConsentId}/revocation`, { reason: 'Inte min.' }))
        .status,
    ).toBe(404);
  });
});

describe('a representative', () => {
  let representationId = '';

  it('acts for a current principal once an officer records the representation', async () => {
    const recorded = await callApi(gateway, tokens.kommun ?? '', 'POST', '/v1/representations', {
      kind: 'god_man',
      principalPersonnummer: anna,
      representativePersonnummer: bo,
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      evidenceReference: 'Tingsrättens beslut Ä 1234-26',
    });
    expect(recorded.status).toBe(201);
    representationId = String(recorded.body.id);
    const mine = await me('bo', 'GET', '/v1/me/representations');
    expect(mine.body.representations).toEqual([
      expect.objectContaining({
        id: representationId,
        kind: 'god_man',
        principal: { personnummer: anna.replace('-', '') },
        consentId: null,
      }),
    ]);
    const consents = await me('bo', 'GET', `/v1/me/consents?representation=${representationId}`);
    expect((consents.body.consents as Array<{ id: string }>).map((c) => c.id)).toEqual([annaConsentId]);
    // Someone else cannot borrow the representation.
    expect((await me('cecilia', 'GET', `/v1/me/consents?representation=${representationId}`)).status).toBe(
      404,
    );
    // The representative's read is itself in the principal's log.
    const log = await me('anna', 'GET', '/v1/me/access-log?limit=200');
    expect((log.body.entries as Array<{ byRepresentative: boolean }>).some((e) => e.byRepresentative)).toBe(
      true,
    );
  });

  it('loses access on the next request when the representation ends', async () => {
    const ended = await callApi(
      gateway,
      tokens.kommun ?? '',
      'POST',
      `/v1/representations/${representationId}/endings`,
      { reason: 'Godmanskapet upphörde.' },
    );
    expect(ended.status).toBe(200);
    expect((await me('bo', 'GET', `/v1/me/consents?representation=${representationId}`)).status).toBe(404);
    expect((await me('bo', 'GET', `/v1/me/access-log?representation=${representationId}`)).status).toBe(404);
    expect((await me('bo', 'GET', '/v1/me/representations')).body.representations).toEqual([]);
  });

  it('who gave a consent sees that consent only, and the log entries relying on it', async () => {
    const given = await callApi(gateway, tokens.kommun ?? '', 'POST', '/v1/consents', {
      personnummer: cecilia,
      givenBy: { kind: 'representative', representativeKind: 'ombud', representativePersonnummer: dan },
      parties: [kommun.id, region.id],
      categories: ['care'],
      purposes: ['coordination'],
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      form: 'written',
      evidenceReference: 'Fullmakt 2026-11',
      plainLanguageText: 'Jag samtycker via mitt ombud.',
      legalBasis: 'public-task-health-care',
    });
    expect(given.status).toBe(201);
    const other = await createTestConsent(gateway.database.db, gateway.persons, {
      personnummer: cecilia,
      parties: [kommun.id, region.id],
      categories: ['assistance'],
      purposes: ['sip'],
    });
    const [representation] = (await me('dan', 'GET', '/v1/me/representations')).body
      .representations as Array<{ id: string; consentId: string }>;
    const givenId = String((given.body.consent as { id: string }).id);
    expect(representation?.consentId).toBe(givenId);
    const consents = await me('dan', 'GET', `/v1/me/consents?representation=${representation?.id}`);
    expect((consents.body.consents as Array<{ id: string }>).map((c) => c.id)).toEqual([givenId]);
    expect(
      (await me('dan', 'GET', `/v1/me/consents/${other.id}?representation=${representation?.id}`)).status,
    ).toBe(404);
  });
});

describe('withdrawal through self-service', () => {
  it('closes the SIP, cancels pending invitations, and gives a signed receipt', async () => {
    const opened = await callApi(gateway, tokens.kommun ?? '', 'POST', '/v1/sips', {
      personnummer: anna,
      consentId: annaConsentId,
      participants: [kommun.id, region.id],
      principal: kommun.id,
      coordinator: { party: kommun.id, name: 'Samordnare' },
      needs: ['Samordning'],
    });
    expect(opened.status).toBe(201);
    const sipId = String(opened.body.id);
    const called = await callApi(gateway, tokens.kommun ?? '', 'POST', `/v1/sips/${sipId}/meetings`, {
      startsAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
      durationMinutes: 60,
      place: 'Stadshuset',
      agenda: ['Nuläge'],
      participants: [{ party: region.id, role: 'rehabkoordinator', displayName: 'Omar' }],
    });
    expect(called.status).toBe(201);
    const withdrawn = await me('anna', 'POST', `/v1/me/consents/${annaConsentId}/revocation`, {
      reason: 'Jag vill inte längre.',
    });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.consent).toMatchObject({ state: 'revoked' });
    const receipt = String(withdrawn.body.receipt);
    const { payload } = await jwtVerify(
      receipt,
      createLocalJWKSet({ keys: [gateway.signingKey.publicJwk] }),
      { typ: 'consent-receipt+jwt' },
    );
    expect(payload).toMatchObject({ consent: { id: annaConsentId, state: 'revoked' } });
    const [sip] = await gateway.database.sql`select phase, closure_reason from sips where id = ${sipId}`;
    expect(sip).toMatchObject({ phase: 'closure', closure_reason: 'consent_withdrawn' });
    const open = await gateway.database
      .sql`select count(*)::int as n from deliveries where sip_id = ${sipId} and state in ('pending','queued','retrying') and event_type <> 'sip.closed'`;
    expect(open[0]?.n).toBe(0);
    const invitations = await gateway.database.sql`select status from invitations where sip_id = ${sipId}`;
    expect(invitations.every((row) => row.status === 'cancelled')).toBe(true);
    // The withdrawal receipt can be downloaded again later.
    const again = await me('anna', 'GET', `/v1/me/consents/${annaConsentId}/receipt`);
    expect(decodeJwt(String(again.body.receipt))).toMatchObject({ consent: { state: 'revoked' } });
    const notices = (await me('anna', 'GET', `/v1/me/consents/${annaConsentId}`)).body
      .withdrawalNotices as Array<{ party: string }>;
    expect(notices.map((n) => n.party).sort()).toEqual([kommun.id, region.id].sort());
  });
});

describe('log review for agencies (logguppföljning)', () => {
  it('flags reads with no SIP or coordination behind them, and unusual volumes, for the party’s own officers only', async () => {
    const today = new Date().toISOString().slice(0, 10);
    // Cecilia's consent (through her ombud) lets the region read her care status; there is no SIP.
    const busyOfficer = await gateway.tokenFor(region, allScopes, 'region-busy-officer');
    for (let i = 0; i < 25; i++) {
      const read = await callApi(gateway, busyOfficer, 'POST', '/v1/status-queries', {
        personnummer: cecilia,
        purpose: 'coordination',
      });
      expect(read.status).toBe(200);
    }
    const review = await callApi(
      gateway,
      tokens.region ?? '',
      'GET',
      `/v1/audit-reviews?from=${today}&to=${today}`,
    );
    expect(review.status).toBe(200);
    const days = review.body.officerDays as Array<{ officer: string; reads: number; unusual: boolean }>;
    expect(days.find((d) => d.officer === 'region-busy-officer')).toMatchObject({ reads: 25, unusual: true });
    expect(days.find((d) => d.officer === 'region-officer')?.unusual).toBe(false);
    const flagged = review.body.flaggedReads as Array<{ officer: string; reason: string }>;
    expect(flagged.filter((f) => f.officer === 'region-busy-officer')).toHaveLength(25);
    // Anna has a SIP with the region: those reads are not flagged.
    expect(flagged.filter((f) => f.officer === 'region-officer')).toHaveLength(0);
    // Only the region's own officers appear.
    expect(days.every((d) => d.officer.startsWith('region'))).toBe(true);
  });
});

describe('metrics exposition', () => {
  it('holds no personnummer and no person key, whatever the requests carried', async () => {
    // A personnummer where it must never be: in a path. It is refused, and must not become a label.
    await fetch(`${gateway.url}/v1/consents/${anna.replace('-', '')}`, {
      headers: { authorization: `Bearer ${tokens.kommun}` },
    });
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toContain('samsyn_http_requests_total');
    for (const number of [anna, bo, cecilia, dan]) {
      const twelve = number.replace('-', '');
      for (const form of [twelve, twelve.slice(2), number, `${twelve.slice(2, 8)}-${twelve.slice(8)}`])
        expect(text).not.toContain(form);
      expect(text).not.toContain(gateway.persons.keyOf(twelve));
    }
  });
});
