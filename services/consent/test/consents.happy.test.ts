import { type AuditRecord, auditLog, consents } from '@samsyn/db';
import { parsePersonNumber } from '@samsyn/domain';
import { ProblemSchema } from '@samsyn/http';
import { startTestService, type TestParty, type TestService, testPersonnummer } from '@samsyn/testkit';
import { and, arrayContains, eq } from 'drizzle-orm';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, serviceDescription, serviceName } from '../src/app';
import { ConsentListSchema, ConsentSchema, RecordedConsentSchema } from '../src/schemas';
import type { ConsentView } from '../src/view';

let svc: TestService;
let kommun: TestParty;
let region: TestParty;
let fk: TestParty;
let af: TestParty;

beforeAll(async () => {
  svc = await startTestService({ name: serviceName, description: serviceDescription, createApp });
  kommun = await svc.party('kommun');
  region = await svc.party('region');
  fk = await svc.party('fk');
  af = await svc.party('af');
});
afterAll(() => svc.close());

const day = 86_400_000;

function normalised(personnummer: string): string {
  const parsed = parsePersonNumber(personnummer);
  if (!parsed.ok) throw new Error(`not a valid test personnummer (${parsed.error})`);
  return parsed.value.normalised;
}

/** Every way the number may be written: 12 and 10 digits, with and without the separator. */
function writtenForms(personnummer: string): string[] {
  const twelve = normalised(personnummer);
  const ten = twelve.slice(2);
  return [twelve, ten, `${twelve.slice(0, 8)}-${twelve.slice(8)}`, `${ten.slice(0, 6)}-${ten.slice(6)}`];
}

function keyOf(personnummer: string): string {
  return svc.deps.persons.keyOf(normalised(personnummer));
}

function consentInput(personnummer: string, parties: readonly TestParty[], overrides = {}) {
  return {
    personnummer,
    givenBy: { kind: 'person' },
    parties: parties.map((party) => party.id),
    categories: ['assistance', 'care'],
    purposes: ['coordination', 'sip'],
    validFrom: new Date(Date.now() - 60_000).toISOString(),
    validUntil: new Date(Date.now() + 365 * day).toISOString(),
    form: 'written',
    evidenceReference: 'Treserva dok 2026-4711',
    plainLanguageText: 'Jag samtycker till att kommunen och regionen delar status om min planering.',
    legalBasis: 'public-task-social-protection',
    ...overrides,
  };
}

/** Parses a JSON body with `schema` and checks it holds nothing the schema does not declare. */
async function bodyOf<T>(response: Response, schema: { parse: (value: unknown) => T }): Promise<T> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body: unknown = await response.json();
  const parsed = schema.parse(body);
  expect(body).toEqual(parsed);
  return parsed;
}

async function record(
  caller: TestParty,
  input: ReturnType<typeof consentInput> | Record<string, unknown>,
): Promise<{ consent: ConsentView; receipt: string; requestId: string }> {
  const response = await svc.call(caller, 'POST', '/v1/consents', input);
  expect(response.status).toBe(201);
  const { consent, receipt } = await bodyOf(response, RecordedConsentSchema);
  return { consent, receipt, requestId: requestIdOf(response) };
}

function requestIdOf(response: Response): string {
  const requestId = response.headers.get('x-request-id');
  if (!requestId) throw new Error('the response has no X-Request-Id');
  return requestId;
}

function auditRowsOf(requestId: string): Promise<AuditRecord[]> {
  return svc.database.db.select().from(auditLog).where(eq(auditLog.requestId, requestId));
}

function auditRowsFor(consentId: string): Promise<AuditRecord[]> {
  return svc.database.db
    .select()
    .from(auditLog)
    .where(arrayContains(auditLog.consentIds, [consentId]))
    .orderBy(auditLog.id);
}

async function verifyReceipt(receipt: string) {
  return jwtVerify(receipt, createLocalJWKSet({ keys: [svc.signingKey.publicJwk] }), {
    issuer: svc.deps.receipts.issuer,
    typ: 'consent-receipt+jwt',
    algorithms: ['ES256'],
  });
}

function expectNoPersonNumber(text: string, ...personnummer: string[]) {
  for (const number of personnummer) {
    for (const form of writtenForms(number)) expect(text).not.toContain(form);
  }
}

describe('POST /v1/consents', () => {
  it('records the consent as given and answers 201 with every term, state valid', async () => {
    const personnummer = testPersonnummer();
    const input = consentInput(personnummer, [kommun, region]);
    const before = Date.now();
    const { consent, requestId } = await record(kommun, input);
    const after = Date.now();

    expect(consent).toEqual({
      id: expect.any(String),
      state: 'valid',
      givenBy: { kind: 'person', representativeKind: null },
      parties: [kommun.id, region.id],
      categories: ['assistance', 'care'],
      purposes: ['coordination', 'sip'],
      validFrom: input.validFrom,
      validUntil: input.validUntil,
      form: 'written',
      evidenceReference: 'Treserva dok 2026-4711',
      plainLanguageText: input.plainLanguageText,
      legalBasis: 'public-task-social-protection',
      recordedBy: { party: kommun.id, officer: 'officer-1' },
      recordedAt: expect.any(String),
      revocation: null,
      withdrawalNotices: [],
    });
    const recordedAt = Date.parse(consent.recordedAt);
    expect(recordedAt).toBeGreaterThanOrEqual(before - 2000);
    expect(recordedAt).toBeLessThanOrEqual(after + 2000);

    const [row] = await svc.database.db.select().from(consents).where(eq(consents.id, consent.id));
    expect(row).toMatchObject({
      personKey: keyOf(personnummer),
      givenBy: 'person',
      representativeKind: null,
      representativeKey: null,
      recordedByParty: kommun.id,
      recordedByOfficer: 'officer-1',
      revokedAt: null,
    });
    expectNoPersonNumber(JSON.stringify(row), personnummer);

    const audit = await auditRowsOf(requestId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'consent.recorded',
      partyId: kommun.id,
      officerId: 'officer-1',
      actorPersonKey: null,
      personKey: keyOf(personnummer),
      legalBasis: 'public-task-social-protection',
      consentIds: [consent.id],
      categories: ['assistance', 'care'],
      details: { purposes: ['coordination', 'sip'], parties: [kommun.id, region.id] },
    });
    expectNoPersonNumber(JSON.stringify(audit), personnummer);
  });

  it('records a consent given by a representative without showing the representative’s number', async () => {
    const personnummer = testPersonnummer();
    const representative = testPersonnummer();
    const input = consentInput(personnummer, [region, kommun, fk], {
      givenBy: {
        kind: 'representative',
        representativeKind: 'god_man',
        representativePersonnummer: representative,
      },
      form: 'oral_documented',
      legalBasis: 'public-task-health-care',
    });
    const { consent, receipt, requestId } = await record(region, input);

    expect(consent).toMatchObject({
      state: 'valid',
      givenBy: { kind: 'representative', representativeKind: 'god_man' },
      parties: [region.id, kommun.id, fk.id],
      form: 'oral_documented',
      legalBasis: 'public-task-health-care',
      recordedBy: { party: region.id, officer: 'officer-1' },
      revocation: null,
    });
    const [row] = await svc.database.db.select().from(consents).where(eq(consents.id, consent.id));
    expect(row).toMatchObject({
      personKey: keyOf(personnummer),
      givenBy: 'representative',
      representativeKind: 'god_man',
      representativeKey: keyOf(representative),
    });

    const audit = await auditRowsOf(requestId);
    expect(audit.map((entry) => [entry.action, entry.personKey])).toEqual([
      ['consent.recorded', keyOf(personnummer)],
    ]);
    expectNoPersonNumber(JSON.stringify({ consent, receipt, audit }), personnummer, representative);
    expectNoPersonNumber(JSON.stringify(decodeJwt(receipt)), personnummer, representative);
  });

  it('signs a consent receipt that verifies against the gateway key and holds the consent', async () => {
    const personnummer = testPersonnummer();
    const representative = testPersonnummer();
    const { consent, receipt } = await record(
      kommun,
      consentInput(personnummer, [kommun, af], {
        givenBy: {
          kind: 'representative',
          representativeKind: 'forvaltare',
          representativePersonnummer: representative,
        },
      }),
    );

    const { payload, protectedHeader } = await verifyReceipt(receipt);
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: svc.signingKey.kid, typ: 'consent-receipt+jwt' });
    expect(payload.consent).toEqual(consent);
    expect(payload).toMatchObject({
      receipt_version: 'samsyn-consent-receipt/1',
      iss: svc.deps.receipts.issuer,
      sub: `person:${keyOf(personnummer)}`,
      jti: expect.any(String),
      iat: expect.any(Number),
    });
    expectNoPersonNumber(receipt, personnummer, representative);
    expectNoPersonNumber(JSON.stringify(payload), personnummer, representative);
    expectNoPersonNumber(JSON.stringify(decodeProtectedHeader(receipt)), personnummer, representative);
  });

  it('gives each receipt its own id', async () => {
    const personnummer = testPersonnummer();
    const first = await record(kommun, consentInput(personnummer, [kommun, region]));
    const second = await record(kommun, consentInput(personnummer, [kommun, region]));
    expect(first.consent.id).not.toBe(second.consent.id);
    expect(decodeJwt(first.receipt).jti).not.toBe(decodeJwt(second.receipt).jti);
  });

  it('accepts the number in its 10-digit form and names the same person', async () => {
    const personnummer = testPersonnummer();
    const tenDigits = normalised(personnummer).slice(2);
    const { consent, requestId } = await record(kommun, consentInput(tenDigits, [kommun, region]));
    const [row] = await svc.database.db.select().from(consents).where(eq(consents.id, consent.id));
    expect(row?.personKey).toBe(keyOf(personnummer));
    expect((await auditRowsOf(requestId))[0]?.personKey).toBe(keyOf(personnummer));
  });

  it('accepts a samordningsnummer', async () => {
    const samordningsnummer = testPersonnummer({ samordningsnummer: true });
    const { consent } = await record(region, consentInput(samordningsnummer, [region, fk]));
    const [row] = await svc.database.db.select().from(consents).where(eq(consents.id, consent.id));
    expect(row?.personKey).toBe(keyOf(samordningsnummer));
  });

  it('shows instants given with an offset in UTC', async () => {
    const { consent } = await record(
      kommun,
      consentInput(testPersonnummer(), [kommun, region], {
        validFrom: '2025-01-01T02:00:00+02:00',
        validUntil: '2099-06-30T23:59:59-01:00',
      }),
    );
    expect(consent.validFrom).toBe('2025-01-01T00:00:00.000Z');
    expect(consent.validUntil).toBe('2099-07-01T00:59:59.000Z');
    expect(consent.state).toBe('valid');
  });

  it('lists a repeated party, category or purpose once', async () => {
    const { consent } = await record(
      kommun,
      consentInput(testPersonnummer(), [kommun, region, kommun], {
        categories: ['care', 'care'],
        purposes: ['sip', 'follow_up', 'sip'],
      }),
    );
    expect(consent.parties).toEqual([kommun.id, region.id]);
    expect(consent.categories).toEqual(['care']);
    expect(consent.purposes).toEqual(['sip', 'follow_up']);
  });

  it('records a consent that starts later as not_yet_valid', async () => {
    const { consent } = await record(
      kommun,
      consentInput(testPersonnummer(), [kommun, region], {
        validFrom: new Date(Date.now() + 7 * day).toISOString(),
        validUntil: new Date(Date.now() + 30 * day).toISOString(),
      }),
    );
    expect(consent.state).toBe('not_yet_valid');
  });
});

describe('GET /v1/consents/{id}', () => {
  it('shows the consent to every party it names, auditing each read', async () => {
    const personnummer = testPersonnummer();
    const { consent } = await record(kommun, consentInput(personnummer, [kommun, region, fk]));

    for (const reader of [kommun, region, fk]) {
      const response = await svc.call(reader, 'GET', `/v1/consents/${consent.id}`);
      expect(response.status).toBe(200);
      expect(await bodyOf(response, ConsentSchema)).toEqual(consent);
      const audit = await auditRowsOf(requestIdOf(response));
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        action: 'consent.read',
        partyId: reader.id,
        officerId: 'officer-1',
        personKey: keyOf(personnummer),
        consentIds: [consent.id],
      });
    }
  });

  it('names the officer of the token in the audit row', async () => {
    const { consent } = await record(kommun, consentInput(testPersonnummer(), [kommun, region]));
    const token = await svc.tokenFor(region, { officer: 'handläggare-7' });
    const response = await fetch(`${svc.url}/v1/consents/${consent.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect((await auditRowsOf(requestIdOf(response)))[0]).toMatchObject({
      partyId: region.id,
      officerId: 'handläggare-7',
    });
  });
});

describe('POST /v1/consent-queries', () => {
  it('lists the person’s consents that name the caller, newest first, revoked ones as revoked', async () => {
    const personnummer = testPersonnummer();
    const kommunRegion = await record(kommun, consentInput(personnummer, [kommun, region]));
    const kommunFk = await record(fk, consentInput(personnummer, [fk, kommun]));
    const regionAf = await record(af, consentInput(personnummer, [region, af]));
    const later = await record(
      kommun,
      consentInput(personnummer, [af, kommun], {
        validFrom: new Date(Date.now() + 10 * day).toISOString(),
        validUntil: new Date(Date.now() + 100 * day).toISOString(),
      }),
    );
    await record(kommun, consentInput(testPersonnummer(), [kommun, region]));

    const revoked = await svc.call(fk, 'POST', `/v1/consents/${kommunFk.consent.id}/revocation`, {
      reason: 'Personen återkallade samtycket vid besök.',
    });
    expect(revoked.status).toBe(200);
    const { consent: kommunFkRevoked } = await bodyOf(revoked, RecordedConsentSchema);

    const response = await svc.call(kommun, 'POST', '/v1/consent-queries', { personnummer });
    expect(response.status).toBe(200);
    const { consents: listed } = await bodyOf(response, ConsentListSchema);
    expect(listed).toEqual([later.consent, kommunFkRevoked, kommunRegion.consent]);
    expect(listed.map((consent) => consent.state)).toEqual(['not_yet_valid', 'revoked', 'valid']);
    expect(kommunFkRevoked.revocation).toMatchObject({ party: fk.id, officer: 'officer-1' });

    const audit = await auditRowsOf(requestIdOf(response));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'consent.read',
      partyId: kommun.id,
      officerId: 'officer-1',
      personKey: keyOf(personnummer),
    });
    expect([...(audit[0]?.consentIds ?? [])].sort()).toEqual(listed.map((consent) => consent.id).sort());

    const forRegion = await svc.call(region, 'POST', '/v1/consent-queries', { personnummer });
    const regionList = await bodyOf(forRegion, ConsentListSchema);
    expect(regionList.consents.map((consent) => consent.id)).toEqual([
      regionAf.consent.id,
      kommunRegion.consent.id,
    ]);
  });

  it('finds the same consents whichever way the number is written', async () => {
    const personnummer = testPersonnummer();
    const { consent } = await record(kommun, consentInput(personnummer, [kommun, region]));
    for (const written of writtenForms(personnummer)) {
      const response = await svc.call(region, 'POST', '/v1/consent-queries', { personnummer: written });
      expect(response.status).toBe(200);
      expect((await bodyOf(response, ConsentListSchema)).consents).toEqual([consent]);
    }
  });

  it('answers an empty list for a person with no consents naming the caller, without an audit row', async () => {
    const personnummer = testPersonnummer();
    await record(kommun, consentInput(personnummer, [kommun, region]));
    for (const [caller, number] of [
      [fk, personnummer],
      [kommun, testPersonnummer()],
    ] as const) {
      const response = await svc.call(caller, 'POST', '/v1/consent-queries', { personnummer: number });
      expect(response.status).toBe(200);
      expect(await bodyOf(response, ConsentListSchema)).toEqual({ consents: [] });
      expect(await auditRowsOf(requestIdOf(response))).toEqual([]);
    }
  });
});

describe('POST /v1/consents/{id}/revocation', () => {
  it('revokes at once for any named party, with a receipt, and refuses a second revocation', async () => {
    const personnummer = testPersonnummer();
    const { consent } = await record(kommun, consentInput(personnummer, [kommun, region]));
    const reason = 'Personen återkallade sitt samtycke muntligt vid besök.';

    const before = Date.now();
    const response = await svc.call(region, 'POST', `/v1/consents/${consent.id}/revocation`, { reason });
    const after = Date.now();
    expect(response.status).toBe(200);
    const { consent: revoked, receipt } = await bodyOf(response, RecordedConsentSchema);
    expect(revoked).toEqual({
      ...consent,
      state: 'revoked',
      revocation: { revokedAt: expect.any(String), party: region.id, officer: 'officer-1', reason },
    });
    const revokedAt = Date.parse(revoked.revocation?.revokedAt ?? '');
    expect(revokedAt).toBeGreaterThanOrEqual(before - 2000);
    expect(revokedAt).toBeLessThanOrEqual(after + 2000);

    const { payload } = await verifyReceipt(receipt);
    expect(payload.consent).toEqual(revoked);
    expect(payload.sub).toBe(`person:${keyOf(personnummer)}`);
    expectNoPersonNumber(receipt, personnummer);

    const audit = await auditRowsOf(requestIdOf(response));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'consent.revoked',
      partyId: region.id,
      officerId: 'officer-1',
      personKey: keyOf(personnummer),
      consentIds: [consent.id],
      categories: consent.categories,
    });
    expect(JSON.stringify(audit)).not.toContain(reason);

    const read = await svc.call(kommun, 'GET', `/v1/consents/${consent.id}`);
    expect(await bodyOf(read, ConsentSchema)).toEqual(revoked);

    const again = await svc.call(kommun, 'POST', `/v1/consents/${consent.id}/revocation`, {
      reason: 'Igen.',
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
    const problem = ProblemSchema.parse(await again.json());
    expect(problem).toMatchObject({ type: 'urn:samsyn:problem:consent-revoked', status: 409 });
    // Problem responses carry the request id in the body (the X-Request-Id header is not set on them).
    expect(await auditRowsOf(problem.requestId ?? '')).toEqual([]);
    expect(problem.requestId).toEqual(expect.any(String));
    const [row] = await svc.database.db.select().from(consents).where(eq(consents.id, consent.id));
    expect(row).toMatchObject({ revokedByParty: region.id, revocationReason: reason });
  });

  it('lets exactly one of two simultaneous revocations through', async () => {
    const { consent } = await record(kommun, consentInput(testPersonnummer(), [kommun, region]));
    const responses = await Promise.all(
      [kommun, region].map((party) =>
        svc.call(party, 'POST', `/v1/consents/${consent.id}/revocation`, { reason: 'Återkallat.' }),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
    const revocations = await svc.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'consent.revoked'), arrayContains(auditLog.consentIds, [consent.id])));
    expect(revocations).toHaveLength(1);
  });
});

describe('the audit log over a consent’s life', () => {
  it('has exactly one row per recording, read and revocation, keyed by person key only', async () => {
    const personnummer = testPersonnummer();
    const { consent } = await record(kommun, consentInput(personnummer, [kommun, region]));
    expect((await svc.call(region, 'GET', `/v1/consents/${consent.id}`)).status).toBe(200);
    expect((await svc.call(kommun, 'GET', `/v1/consents/${consent.id}`)).status).toBe(200);
    expect((await svc.call(region, 'POST', '/v1/consent-queries', { personnummer })).status).toBe(200);
    const revoked = await svc.call(kommun, 'POST', `/v1/consents/${consent.id}/revocation`, {
      reason: 'Återkallat.',
    });
    expect(revoked.status).toBe(200);
    expect((await svc.call(region, 'GET', `/v1/consents/${consent.id}`)).status).toBe(200);

    const rows = await auditRowsFor(consent.id);
    expect(rows.map((row) => [row.action, row.partyId])).toEqual([
      ['consent.recorded', kommun.id],
      ['consent.read', region.id],
      ['consent.read', kommun.id],
      ['consent.read', region.id],
      ['consent.revoked', kommun.id],
      ['consent.read', region.id],
    ]);
    for (const row of rows) expect(row.personKey).toBe(keyOf(personnummer));
    expectNoPersonNumber(JSON.stringify(rows), personnummer);
    expect(new Set(rows.map((row) => row.requestId)).size).toBe(rows.length);
  });
});
