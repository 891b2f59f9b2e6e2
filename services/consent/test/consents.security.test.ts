import { randomUUID } from 'node:crypto';
import { generateSigningJwk, issueAccessToken, loadSigningKey } from '@samsyn/auth';
import { auditLog, consents, persons } from '@samsyn/db';
import type { Scope } from '@samsyn/domain';
import { ProblemSchema } from '@samsyn/http';
import { startTestService, type TestParty, type TestService, testPersonnummer } from '@samsyn/testkit';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, serviceDescription, serviceName } from '../src/app';
import { ConsentListSchema, RecordedConsentSchema } from '../src/schemas';

let svc: TestService;
let kommun: TestParty;
let region: TestParty;
let fk: TestParty;
let forbund: TestParty;
/** A consent naming kommun and region only. */
let consentId: string;
/** The person that consent is about. */
let personnummer: string;

/** Every personnummer this file sends, valid or not: none may reach the logs. */
const used: string[] = [];

function personnummerForThisFile(): string {
  const number = testPersonnummer();
  used.push(number);
  return number;
}

beforeAll(async () => {
  svc = await startTestService({ name: serviceName, description: serviceDescription, createApp });
  kommun = await svc.party('kommun');
  region = await svc.party('region');
  fk = await svc.party('fk');
  forbund = await svc.party('forbund');
  personnummer = personnummerForThisFile();
  const response = await svc.call(kommun, 'POST', '/v1/consents', consentInput(personnummer));
  expect(response.status).toBe(201);
  consentId = RecordedConsentSchema.parse(await response.json()).consent.id;
});
afterAll(() => svc.close());

function consentInput(number: string, parties = [kommun.id, region.id]) {
  return {
    personnummer: number,
    givenBy: {
      kind: 'representative',
      representativeKind: 'ombud',
      representativePersonnummer: personnummerForThisFile(),
    },
    parties,
    categories: ['planning'],
    purposes: ['sip'],
    validFrom: new Date(Date.now() - 60_000).toISOString(),
    validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
    form: 'written',
    evidenceReference: 'Diarium 4711',
    plainLanguageText: 'Jag samtycker till samordnad individuell plan.',
    legalBasis: 'public-task-social-protection',
  };
}

interface RouteCall {
  name: string;
  method: 'GET' | 'POST';
  path: () => string;
  body?: () => unknown;
}

const routes: RouteCall[] = [
  {
    name: 'POST /v1/consents',
    method: 'POST',
    path: () => '/v1/consents',
    body: () => consentInput(personnummerForThisFile()),
  },
  { name: 'GET /v1/consents/{id}', method: 'GET', path: () => `/v1/consents/${consentId}` },
  {
    name: 'POST /v1/consent-queries',
    method: 'POST',
    path: () => '/v1/consent-queries',
    body: () => ({ personnummer }),
  },
  {
    name: 'POST /v1/consents/{id}/revocation',
    method: 'POST',
    path: () => `/v1/consents/${consentId}/revocation`,
    body: () => ({ reason: 'Återkallat.' }),
  },
];

const routeNeeds: Record<string, Scope> = {
  'POST /v1/consents': 'consent:write',
  'GET /v1/consents/{id}': 'consent:read',
  'POST /v1/consent-queries': 'consent:read',
  'POST /v1/consents/{id}/revocation': 'consent:write',
};

function send(route: RouteCall, authorization?: string): Promise<Response> {
  const body = route.body?.();
  return fetch(`${svc.url}${route.path()}`, {
    method: route.method,
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function storedCounts() {
  const db = svc.database.db;
  const [[consentRows], [auditRows], [personRows]] = await Promise.all([
    db.select({ n: count() }).from(consents),
    db.select({ n: count() }).from(auditLog),
    db.select({ n: count() }).from(persons),
  ]);
  return { consents: consentRows?.n, audit: auditRows?.n, persons: personRows?.n };
}

/** Checks the response is a problem of `type`, that nothing was stored, and the consent is untouched. */
async function expectRefused(send: () => Promise<Response>, status: number, type: string) {
  const before = await storedCounts();
  const response = await send();
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = ProblemSchema.parse(await response.json());
  expect(body).toMatchObject({ type, status });
  expect(await storedCounts()).toEqual(before);
  const [row] = await svc.database.db.select().from(consents).where(eq(consents.id, consentId));
  expect(row?.revokedAt).toBeNull();
  return { response, body };
}

/** What a client can tell about a 404: everything but the per-request id and the path. */
function shapeOf(body: Record<string, unknown>) {
  const { requestId: _requestId, instance: _instance, ...rest } = body;
  return rest;
}

describe('without a valid access token', () => {
  it.each(routes)('$name answers 401', async (route) => {
    const { response } = await expectRefused(() => send(route), 401, 'urn:samsyn:problem:unauthenticated');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it.each(routes)('$name answers 401 to a header that is not a bearer token', async (route) => {
    await expectRefused(
      () => send(route, 'Basic a29tbXVuOnNlY3JldA=='),
      401,
      'urn:samsyn:problem:unauthenticated',
    );
  });

  it.each(routes)('$name answers 401 to a token the gateway did not sign', async (route) => {
    const impostor = await loadSigningKey(await generateSigningJwk());
    const { token } = await issueAccessToken(
      {
        issuer: svc.deps.receipts.issuer,
        signingKey: { ...impostor, kid: svc.signingKey.kid },
        lifetimeSeconds: 300,
      },
      {
        kind: 'agency',
        partyId: kommun.id,
        partyKind: 'kommun',
        officerId: 'officer-1',
        scopes: ['consent:read', 'consent:write'],
      },
    );
    await expectRefused(() => send(route, `Bearer ${token}`), 401, 'urn:samsyn:problem:unauthenticated');
  });
});

describe('without the scope the route needs', () => {
  it.each(routes)('$name answers 403 to a token with whoami only', async (route) => {
    const token = await svc.tokenFor(kommun, { scopes: ['whoami'] });
    const { response } = await expectRefused(
      () => send(route, `Bearer ${token}`),
      403,
      'urn:samsyn:problem:insufficient-scope',
    );
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", scope="${routeNeeds[route.name]}"`,
    );
  });

  it.each(routes)('$name answers 403 to a token with only the other consent scope', async (route) => {
    const needed = routeNeeds[route.name];
    const other: Scope = needed === 'consent:read' ? 'consent:write' : 'consent:read';
    const token = await svc.tokenFor(kommun, { scopes: ['whoami', other] });
    await expectRefused(() => send(route, `Bearer ${token}`), 403, 'urn:samsyn:problem:insufficient-scope');
  });

  it('a token with just consent:read reads the consent', async () => {
    const token = await svc.tokenFor(region, { scopes: ['consent:read'] });
    const response = await fetch(`${svc.url}/v1/consents/${consentId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
  });

  it.each(routes)('a förbund cannot use $name: its tokens carry no consent scope', async (route) => {
    const token = await svc.tokenFor(forbund);
    await expectRefused(() => send(route, `Bearer ${token}`), 403, 'urn:samsyn:problem:insufficient-scope');
  });

  it('a förbund cannot record a consent even one naming itself', async () => {
    const body = consentInput(personnummerForThisFile(), [forbund.id, kommun.id]);
    await expectRefused(
      () => svc.call(forbund, 'POST', '/v1/consents', body),
      403,
      'urn:samsyn:problem:insufficient-scope',
    );
  });
});

describe('a party the consent does not name', () => {
  it('gets the same 404 for the consent as for an id that does not exist', async () => {
    const hidden = await expectRefused(
      () => svc.call(fk, 'GET', `/v1/consents/${consentId}`),
      404,
      'urn:samsyn:problem:not-found',
    );
    const missing = await expectRefused(
      () => svc.call(fk, 'GET', `/v1/consents/${randomUUID()}`),
      404,
      'urn:samsyn:problem:not-found',
    );
    expect(shapeOf(hidden.body)).toEqual(shapeOf(missing.body));
    expect([...hidden.response.headers.keys()].sort()).toEqual([...missing.response.headers.keys()].sort());
    expect(hidden.body.instance).toBe(`/v1/consents/${consentId}`);
  });

  it('cannot revoke it, with the same 404 as for an id that does not exist', async () => {
    const hidden = await expectRefused(
      () => svc.call(fk, 'POST', `/v1/consents/${consentId}/revocation`, { reason: 'Återkallat.' }),
      404,
      'urn:samsyn:problem:not-found',
    );
    const missing = await expectRefused(
      () => svc.call(fk, 'POST', `/v1/consents/${randomUUID()}/revocation`, { reason: 'Återkallat.' }),
      404,
      'urn:samsyn:problem:not-found',
    );
    expect(shapeOf(hidden.body)).toEqual(shapeOf(missing.body));
    expect([...hidden.response.headers.keys()].sort()).toEqual([...missing.response.headers.keys()].sort());
  });

  it('does not find it among the person’s consents, and its query is not audited', async () => {
    const before = await storedCounts();
    const response = await svc.call(fk, 'POST', '/v1/consent-queries', { personnummer });
    expect(response.status).toBe(200);
    expect(ConsentListSchema.parse(await response.json())).toEqual({ consents: [] });
    expect(await storedCounts()).toEqual(before);
  });

  it('cannot name another party as the recorder or record for parties that leave it out', async () => {
    await expectRefused(
      () => svc.call(fk, 'POST', '/v1/consents', consentInput(personnummerForThisFile())),
      422,
      'urn:samsyn:problem:validation-failed',
    );
  });
});

describe('the recorder', () => {
  it('is the party and officer of the token', async () => {
    const token = await svc.tokenFor(region, { officer: 'officer-77' });
    const response = await fetch(`${svc.url}/v1/consents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(consentInput(personnummerForThisFile())),
    });
    expect(response.status).toBe(201);
    const { consent } = RecordedConsentSchema.parse(await response.json());
    expect(consent.recordedBy).toEqual({ party: region.id, officer: 'officer-77' });
  });
});

describe('the logs', () => {
  it('never hold a personnummer, even one put in a URL', async () => {
    const inPath = personnummerForThisFile();
    const response = await svc.call(kommun, 'GET', `/v1/consents/${inPath}`);
    expect(response.status).toBe(422);
    const refused = personnummerForThisFile();
    const bad = `${refused.slice(0, -1)}${(Number(refused.slice(-1)) + 1) % 10}`;
    used.push(bad);
    expect((await svc.call(kommun, 'POST', '/v1/consent-queries', { personnummer: bad })).status).toBe(422);
    expect((await svc.call(kommun, 'POST', '/v1/consent-queries', { personnummer })).status).toBe(200);

    const logged = svc.logs.lines.join('\n');
    expect(svc.logs.lines.length).toBeGreaterThan(0);
    expect(logged).toContain(consentId);
    // The path with the number was logged, and the number in it redacted.
    expect(logged).toContain('/v1/consents/[personnummer]');
    for (const number of used) {
      const twelve = number.replace('-', '');
      expect(logged).not.toContain(number);
      expect(logged).not.toContain(twelve);
      expect(logged).not.toContain(twelve.slice(2));
      expect(logged).not.toContain(number.slice(2));
    }
  });
});
