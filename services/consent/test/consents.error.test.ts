import { randomUUID } from 'node:crypto';
import { auditLog, consents, parties, persons } from '@samsyn/db';
import { parsePersonNumber } from '@samsyn/domain';
import { ProblemSchema } from '@samsyn/http';
import { startTestService, type TestParty, type TestService, testPersonnummer } from '@samsyn/testkit';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, serviceDescription, serviceName } from '../src/app';
import { RecordedConsentSchema } from '../src/schemas';

let svc: TestService;
let kommun: TestParty;
let region: TestParty;
let fk: TestParty;
/** A consent naming kommun and region, for the routes that take an id. */
let consentId: string;

beforeAll(async () => {
  svc = await startTestService({ name: serviceName, description: serviceDescription, createApp });
  kommun = await svc.party('kommun');
  region = await svc.party('region');
  fk = await svc.party('fk');
  const response = await svc.call(kommun, 'POST', '/v1/consents', validInput());
  expect(response.status).toBe(201);
  consentId = RecordedConsentSchema.parse(await response.json()).consent.id;
});
afterAll(() => svc.close());

const day = 86_400_000;
const problem = (code: string) => `urn:samsyn:problem:${code}`;
const validationFailed = problem('validation-failed');
const invalidPersonnummer = problem('invalid-personnummer');

function validInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    personnummer: testPersonnummer(),
    givenBy: { kind: 'person' },
    parties: [kommun.id, region.id],
    categories: ['assistance', 'care'],
    purposes: ['coordination'],
    validFrom: new Date(Date.now() - 60_000).toISOString(),
    validUntil: new Date(Date.now() + 365 * day).toISOString(),
    form: 'written',
    evidenceReference: 'Treserva dok 2026-4711',
    plainLanguageText: 'Jag samtycker till att kommunen och regionen delar status om min planering.',
    legalBasis: 'public-task-social-protection',
    ...overrides,
  };
}

function without(field: string): Record<string, unknown> {
  const input = validInput();
  delete input[field];
  return input;
}

/** A valid personnummer with its check digit changed. */
function withBadChecksum(personnummer: string): string {
  const check = Number(personnummer.slice(-1));
  return `${personnummer.slice(0, -1)}${(check + 1) % 10}`;
}

/** 12 digits whose date does not exist (30 February); the check digit is right. */
function withImpossibleDate(): string {
  for (let serial = 0; serial < 1000; serial++) {
    for (let check = 0; check < 10; check++) {
      const number = `19850230-${String(serial).padStart(3, '0')}${check}`;
      const parsed = parsePersonNumber(number);
      if (!parsed.ok && parsed.error === 'date') return number;
    }
  }
  throw new Error('unreachable');
}

function representative(overrides: Record<string, unknown> = {}) {
  return {
    givenBy: {
      kind: 'representative',
      representativeKind: 'god_man',
      representativePersonnummer: testPersonnummer(),
      ...overrides,
    },
  };
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

interface Refusal {
  status: number;
  type: string;
  /** A JSON Pointer the problem's `errors` must name. */
  pointer?: string;
}

/** Sends the request and checks it is refused as a problem of the expected type, storing nothing. */
async function expectRefused(send: () => Promise<Response>, refusal: Refusal) {
  const before = await storedCounts();
  const response = await send();
  expect(response.status).toBe(refusal.status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = ProblemSchema.parse(await response.json());
  expect(body).toMatchObject({ type: refusal.type, status: refusal.status, title: expect.any(String) });
  if (refusal.pointer !== undefined) {
    expect(body.errors?.map((error) => error.pointer)).toContain(refusal.pointer);
  }
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  expect(await storedCounts()).toEqual(before);
  const [row] = await svc.database.db.select().from(consents).where(eq(consents.id, consentId));
  expect(row?.revokedAt).toBeNull();
  return body;
}

async function raw(method: string, path: string, body: string, contentType?: string) {
  return fetch(`${svc.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await svc.tokenFor(kommun)}`,
      ...(contentType ? { 'content-type': contentType } : {}),
    },
    body,
  });
}

interface BodyCase extends Refusal {
  name: string;
  body: () => unknown;
}

const twentyOneParties = () => Array.from({ length: 21 }, (_, i) => `kommun:${String(2000 + i)}`);

const recordCases: BodyCase[] = [
  ...[
    'personnummer',
    'givenBy',
    'parties',
    'categories',
    'purposes',
    'validFrom',
    'validUntil',
    'form',
    'evidenceReference',
    'plainLanguageText',
    'legalBasis',
  ].map((field) => ({
    name: `missing ${field}`,
    body: () => without(field),
    status: 422,
    type: validationFailed,
    pointer: `/${field}`,
  })),
  { name: 'an empty object', body: () => ({}), status: 422, type: validationFailed },
  { name: 'a JSON array', body: () => [validInput()], status: 422, type: validationFailed },
  { name: 'JSON null', body: () => null, status: 422, type: validationFailed },
  {
    name: 'personnummer as a number',
    body: () => validInput({ personnummer: 198503121234 }),
    status: 422,
    type: validationFailed,
    pointer: '/personnummer',
  },
  {
    name: 'parties as a string',
    body: () => validInput({ parties: 'kommun:1234' }),
    status: 422,
    type: validationFailed,
    pointer: '/parties',
  },
  {
    name: 'categories as a string',
    body: () => validInput({ categories: 'care' }),
    status: 422,
    type: validationFailed,
    pointer: '/categories',
  },
  {
    name: 'validFrom as epoch seconds',
    body: () => validInput({ validFrom: Math.floor(Date.now() / 1000) }),
    status: 422,
    type: validationFailed,
    pointer: '/validFrom',
  },
  {
    name: 'givenBy as a string',
    body: () => validInput({ givenBy: 'person' }),
    status: 422,
    type: validationFailed,
    pointer: '/givenBy',
  },
  {
    name: 'an unknown category',
    body: () => validInput({ categories: ['care', 'housing'] }),
    status: 422,
    type: validationFailed,
    pointer: '/categories/1',
  },
  {
    name: 'no categories',
    body: () => validInput({ categories: [] }),
    status: 422,
    type: validationFailed,
    pointer: '/categories',
  },
  {
    name: 'an unknown purpose',
    body: () => validInput({ purposes: ['marketing'] }),
    status: 422,
    type: validationFailed,
    pointer: '/purposes/0',
  },
  {
    name: 'a statutory purpose, which no consent can open',
    body: () => validInput({ purposes: ['assistance_assessment'] }),
    status: 422,
    type: validationFailed,
    pointer: '/purposes/0',
  },
  {
    name: 'no purposes',
    body: () => validInput({ purposes: [] }),
    status: 422,
    type: validationFailed,
    pointer: '/purposes',
  },
  {
    name: 'an unknown form',
    body: () => validInput({ form: 'telepathic' }),
    status: 422,
    type: validationFailed,
    pointer: '/form',
  },
  {
    name: 'an unknown legal basis',
    body: () => validInput({ legalBasis: 'legitimate-interest' }),
    status: 422,
    type: validationFailed,
    pointer: '/legalBasis',
  },
  {
    name: 'an unknown representativeKind',
    body: () => validInput(representative({ representativeKind: 'uncle' })),
    status: 422,
    type: validationFailed,
    pointer: '/givenBy/representativeKind',
  },
  {
    name: 'a representative without a personnummer',
    body: () => validInput(representative({ representativePersonnummer: undefined })),
    status: 422,
    type: validationFailed,
    pointer: '/givenBy/representativePersonnummer',
  },
  {
    name: 'an unknown givenBy kind',
    body: () => validInput({ givenBy: { kind: 'robot' } }),
    status: 422,
    type: validationFailed,
  },
  {
    name: 'a representative kind on a consent the person gave',
    body: () => validInput({ givenBy: { kind: 'person', representativeKind: 'ombud' } }),
    status: 422,
    type: validationFailed,
  },
  ...['2026-13-01', '2026-13-01T00:00:00Z', 'tomorrow', '2026-12-01', '2026-12-01T00:00:00', ''].map(
    (validFrom) => ({
      name: `validFrom ${JSON.stringify(validFrom)}`,
      body: () => validInput({ validFrom }),
      status: 422,
      type: validationFailed,
      pointer: '/validFrom',
    }),
  ),
  {
    name: 'validUntil malformed',
    body: () => validInput({ validUntil: '2027-02-30T00:00:00Z' }),
    status: 422,
    type: validationFailed,
    pointer: '/validUntil',
  },
  {
    name: 'validUntil equal to validFrom',
    body: () => validInput({ validFrom: '2026-12-01T00:00:00Z', validUntil: '2026-12-01T01:00:00+01:00' }),
    status: 422,
    type: validationFailed,
    pointer: '/validUntil',
  },
  {
    name: 'validUntil before validFrom',
    body: () => validInput({ validFrom: '2027-12-01T00:00:00Z', validUntil: '2026-12-01T00:00:00Z' }),
    status: 422,
    type: validationFailed,
    pointer: '/validUntil',
  },
  {
    name: 'no parties',
    body: () => validInput({ parties: [] }),
    status: 422,
    type: validationFailed,
    pointer: '/parties',
  },
  {
    name: 'one party only',
    body: () => validInput({ parties: [kommun.id] }),
    status: 422,
    type: validationFailed,
    pointer: '/parties',
  },
  {
    name: 'the same party twice',
    body: () => validInput({ parties: [kommun.id, kommun.id] }),
    status: 422,
    type: validationFailed,
    pointer: '/parties',
  },
  {
    name: 'more than 20 parties',
    body: () => validInput({ parties: [kommun.id, region.id, ...twentyOneParties()].slice(0, 21) }),
    status: 422,
    type: validationFailed,
    pointer: '/parties',
  },
  {
    name: 'a malformed party id',
    body: () => validInput({ parties: [kommun.id, 'kommun:12'] }),
    status: 422,
    type: validationFailed,
    pointer: '/parties/1',
  },
  {
    name: 'parties without the caller’s own',
    body: () => validInput({ parties: [region.id, fk.id] }),
    status: 422,
    type: validationFailed,
    pointer: '/parties',
  },
  {
    name: 'plainLanguageText over 5000 characters',
    body: () => validInput({ plainLanguageText: 'a'.repeat(5001) }),
    status: 422,
    type: validationFailed,
    pointer: '/plainLanguageText',
  },
  {
    name: 'an empty plainLanguageText',
    body: () => validInput({ plainLanguageText: '' }),
    status: 422,
    type: validationFailed,
    pointer: '/plainLanguageText',
  },
  {
    name: 'a plainLanguageText of blanks only',
    body: () => validInput({ plainLanguageText: '   \n ' }),
    status: 422,
    type: validationFailed,
    pointer: '/plainLanguageText',
  },
  {
    name: 'evidenceReference over 200 characters',
    body: () => validInput({ evidenceReference: 'x'.repeat(201) }),
    status: 422,
    type: validationFailed,
    pointer: '/evidenceReference',
  },
  ...(['written', 'twelve', 'ten'] as const).map((form) => ({
    name: `a personnummer (${form} form) in plainLanguageText`,
    body: () => {
      const number = testPersonnummer();
      const twelve = number.replace('-', '');
      const text = { written: number, twelve, ten: twelve.slice(2) }[form];
      return validInput({ plainLanguageText: `Samtycke för ${text} gäller planering.` });
    },
    status: 422,
    type: validationFailed,
    pointer: '/plainLanguageText',
  })),
  {
    name: 'a personnummer in evidenceReference',
    body: () => validInput({ evidenceReference: `Akt ${testPersonnummer()}` }),
    status: 422,
    type: validationFailed,
    pointer: '/evidenceReference',
  },
  {
    name: 'an unknown extra field',
    body: () => validInput({ note: 'extra' }),
    status: 422,
    type: validationFailed,
  },
  {
    name: 'recordedBy in the body',
    body: () => validInput({ recordedBy: { party: region.id, officer: 'someone-else' } }),
    status: 422,
    type: validationFailed,
  },
  {
    name: 'a personnummer with a bad check digit',
    body: () => validInput({ personnummer: withBadChecksum(testPersonnummer()) }),
    status: 422,
    type: invalidPersonnummer,
    pointer: '/personnummer',
  },
  {
    name: 'a personnummer with an impossible date',
    body: () => validInput({ personnummer: withImpossibleDate() }),
    status: 422,
    type: invalidPersonnummer,
    pointer: '/personnummer',
  },
  {
    name: 'a personnummer that is not digits',
    body: () => validInput({ personnummer: 'ÅÅMMDD-NNNN' }),
    status: 422,
    type: invalidPersonnummer,
    pointer: '/personnummer',
  },
  {
    name: 'a personnummer of 12 digits with +',
    body: () => validInput({ personnummer: testPersonnummer().replace('-', '+') }),
    status: 422,
    type: invalidPersonnummer,
    pointer: '/personnummer',
  },
  {
    name: 'a representative personnummer with a bad check digit',
    body: () =>
      validInput(representative({ representativePersonnummer: withBadChecksum(testPersonnummer()) })),
    status: 422,
    type: invalidPersonnummer,
    pointer: '/givenBy/representativePersonnummer',
  },
  {
    name: 'a representative personnummer with an impossible date',
    body: () => validInput(representative({ representativePersonnummer: withImpossibleDate() })),
    status: 422,
    type: invalidPersonnummer,
    pointer: '/givenBy/representativePersonnummer',
  },
];

describe('POST /v1/consents refuses', () => {
  it.each(recordCases)('$name', async ({ body, ...refusal }) => {
    await expectRefused(() => svc.call(kommun, 'POST', '/v1/consents', body()), refusal);
  });

  it('an unregistered party, naming each one', async () => {
    const body = validInput({ parties: [kommun.id, 'region:99', region.id, 'forbund:nowhere'] });
    const problemBody = await expectRefused(() => svc.call(kommun, 'POST', '/v1/consents', body), {
      status: 422,
      type: problem('unknown-party'),
    });
    expect(problemBody.errors).toEqual([
      { location: 'body', pointer: '/parties/1', detail: expect.stringContaining('region:99') },
      { location: 'body', pointer: '/parties/3', detail: expect.stringContaining('forbund:nowhere') },
    ]);
  });

  it('a deactivated party, as if it were not registered', async () => {
    const inactive = await svc.party('region');
    await svc.database.db.update(parties).set({ active: false }).where(eq(parties.id, inactive.id));
    const body = validInput({ parties: [kommun.id, inactive.id] });
    const problemBody = await expectRefused(() => svc.call(kommun, 'POST', '/v1/consents', body), {
      status: 422,
      type: problem('unknown-party'),
    });
    expect(problemBody.errors).toEqual([
      { location: 'body', pointer: '/parties/1', detail: expect.stringContaining(inactive.id) },
    ]);
  });

  it('a consent that has already ended', async () => {
    const body = validInput({
      validFrom: new Date(Date.now() - 30 * day).toISOString(),
      validUntil: new Date(Date.now() - day).toISOString(),
    });
    await expectRefused(() => svc.call(kommun, 'POST', '/v1/consents', body), {
      status: 422,
      type: validationFailed,
      pointer: '/validUntil',
    });
  });

  it('with the request id in a header as well as in the problem', async () => {
    const response = await svc.call(kommun, 'POST', '/v1/consents', validInput({ form: 'telepathic' }), {
      'x-request-id': 'trace-4711',
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('x-request-id')).toBe('trace-4711');
    expect(((await response.json()) as { requestId: string }).requestId).toBe('trace-4711');
  });

  it('an invalid personnummer without repeating it', async () => {
    const bad = withBadChecksum(testPersonnummer());
    const body = await expectRefused(
      () => svc.call(kommun, 'POST', '/v1/consents', validInput({ personnummer: bad })),
      { status: 422, type: invalidPersonnummer, pointer: '/personnummer' },
    );
    expect(JSON.stringify(body)).not.toContain(bad);
    expect(JSON.stringify(body)).not.toContain(bad.replace('-', ''));
  });

  it('a body that is not JSON, sent as JSON, with 400', async () => {
    await expectRefused(() => raw('POST', '/v1/consents', '{"personnummer": ', 'application/json'), {
      status: 400,
      type: problem('malformed-request'),
    });
  });

  it('a JSON body sent as text/plain, with 415', async () => {
    await expectRefused(() => raw('POST', '/v1/consents', JSON.stringify(validInput()), 'text/plain'), {
      status: 415,
      type: problem('unsupported-media-type'),
    });
  });

  it('a form-encoded body, with 415', async () => {
    await expectRefused(
      () => raw('POST', '/v1/consents', 'personnummer=x', 'application/x-www-form-urlencoded'),
      { status: 415, type: problem('unsupported-media-type') },
    );
  });

  it('a body over the size limit, with 413', async () => {
    const huge = JSON.stringify(validInput({ plainLanguageText: 'a'.repeat(1024 * 1024 + 1) }));
    await expectRefused(() => raw('POST', '/v1/consents', huge, 'application/json'), {
      status: 413,
      type: problem('payload-too-large'),
    });
  });
});

describe('POST /v1/consent-queries refuses', () => {
  const queryCases: BodyCase[] = [
    {
      name: 'a missing personnummer',
      body: () => ({}),
      status: 422,
      type: validationFailed,
      pointer: '/personnummer',
    },
    {
      name: 'personnummer as a number',
      body: () => ({ personnummer: 198503121234 }),
      status: 422,
      type: validationFailed,
      pointer: '/personnummer',
    },
    {
      name: 'an unknown extra field',
      body: () => ({ personnummer: testPersonnummer(), party: 'fk' }),
      status: 422,
      type: validationFailed,
    },
    {
      name: 'a personnummer with a bad check digit',
      body: () => ({ personnummer: withBadChecksum(testPersonnummer()) }),
      status: 422,
      type: invalidPersonnummer,
      pointer: '/personnummer',
    },
    {
      name: 'a personnummer with an impossible date',
      body: () => ({ personnummer: withImpossibleDate() }),
      status: 422,
      type: invalidPersonnummer,
      pointer: '/personnummer',
    },
  ];

  it.each(queryCases)('$name', async ({ body, ...refusal }) => {
    await expectRefused(() => svc.call(kommun, 'POST', '/v1/consent-queries', body()), refusal);
  });

  it('a body that is not JSON, with 400', async () => {
    await expectRefused(() => raw('POST', '/v1/consent-queries', 'personnummer', 'application/json'), {
      status: 400,
      type: problem('malformed-request'),
    });
  });

  it('a body sent as text/plain, with 415', async () => {
    const body = JSON.stringify({ personnummer: testPersonnummer() });
    await expectRefused(() => raw('POST', '/v1/consent-queries', body, 'text/plain'), {
      status: 415,
      type: problem('unsupported-media-type'),
    });
  });
});

describe('GET /v1/consents/{id} refuses', () => {
  it.each(['not-a-uuid', '123', `${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(11)}`, "1' or '1'='1"])(
    'the malformed id %j with 422',
    async (id) => {
      await expectRefused(() => svc.call(kommun, 'GET', `/v1/consents/${encodeURIComponent(id)}`), {
        status: 422,
        type: validationFailed,
        pointer: '/id',
      });
    },
  );

  it('an id no consent has with 404', async () => {
    await expectRefused(() => svc.call(kommun, 'GET', `/v1/consents/${randomUUID()}`), {
      status: 404,
      type: problem('not-found'),
    });
  });
});

describe('POST /v1/consents/{id}/revocation refuses', () => {
  const revocationCases: BodyCase[] = [
    { name: 'a missing reason', body: () => ({}), status: 422, type: validationFailed, pointer: '/reason' },
    {
      name: 'an empty reason',
      body: () => ({ reason: '' }),
      status: 422,
      type: validationFailed,
      pointer: '/reason',
    },
    {
      name: 'a reason of blanks only',
      body: () => ({ reason: '  ' }),
      status: 422,
      type: validationFailed,
      pointer: '/reason',
    },
    {
      name: 'a reason as a number',
      body: () => ({ reason: 42 }),
      status: 422,
      type: validationFailed,
      pointer: '/reason',
    },
    {
      name: 'a reason over 1000 characters',
      body: () => ({ reason: 'a'.repeat(1001) }),
      status: 422,
      type: validationFailed,
      pointer: '/reason',
    },
    {
      name: 'a reason holding a personnummer',
      body: () => ({ reason: `Återkallat av ${testPersonnummer()}.` }),
      status: 422,
      type: validationFailed,
      pointer: '/reason',
    },
    {
      name: 'an unknown extra field',
      body: () => ({ reason: 'Återkallat.', revokedAt: new Date().toISOString() }),
      status: 422,
      type: validationFailed,
    },
  ];

  it.each(revocationCases)('$name', async ({ body, ...refusal }) => {
    await expectRefused(
      () => svc.call(kommun, 'POST', `/v1/consents/${consentId}/revocation`, body()),
      refusal,
    );
  });

  it('a malformed id with 422', async () => {
    await expectRefused(
      () => svc.call(kommun, 'POST', '/v1/consents/not-a-uuid/revocation', { reason: 'Återkallat.' }),
      { status: 422, type: validationFailed, pointer: '/id' },
    );
  });

  it('an id no consent has with 404', async () => {
    await expectRefused(
      () => svc.call(kommun, 'POST', `/v1/consents/${randomUUID()}/revocation`, { reason: 'Återkallat.' }),
      { status: 404, type: problem('not-found') },
    );
  });

  it('a body that is not JSON, with 400', async () => {
    await expectRefused(
      () => raw('POST', `/v1/consents/${consentId}/revocation`, '{reason}', 'application/json'),
      {
        status: 400,
        type: problem('malformed-request'),
      },
    );
  });

  it('a body sent as text/plain, with 415', async () => {
    await expectRefused(
      () => raw('POST', `/v1/consents/${consentId}/revocation`, '{"reason":"Återkallat."}', 'text/plain'),
      { status: 415, type: problem('unsupported-media-type') },
    );
  });
});

describe('methods the routes do not have', () => {
  const wrongMethods: Array<[method: string, path: () => string]> = [
    ['DELETE', () => `/v1/consents/${consentId}`],
    ['PUT', () => `/v1/consents/${consentId}`],
    ['GET', () => '/v1/consent-queries'],
  ];
  it.each(wrongMethods)('%s is refused with 405', async (method, path) => {
    await expectRefused(() => svc.call(kommun, method, path()), {
      status: 405,
      type: problem('method-not-allowed'),
    });
  });
});
