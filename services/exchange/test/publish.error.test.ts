import { exampleStatusEvent, type TestService, testPersonnummer } from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKey, startExchange, storedCounts } from './harness';

let svc: TestService;
beforeAll(async () => {
  svc = await startExchange();
});
afterAll(() => svc.close());

interface Problem {
  type: string;
  status: number;
  errors?: Array<{ location: string; pointer: string; detail: string }>;
}

/** Sends a raw body and expects a problem of `type` (and, if given, an error at `pointer`), storing nothing. */
async function expectRefused(
  path: string,
  init: { body: string; headers?: Record<string, string>; as?: 'kommun' | 'region' },
  type: string,
  pointer?: string,
) {
  const kommun = await svc.party(init.as ?? 'kommun');
  const before = await storedCounts(svc);
  const response = await fetch(`${svc.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await svc.tokenFor(kommun)}`,
      'content-type': 'application/json',
      ...idempotencyKey(),
      ...init.headers,
    },
    body: init.body,
  });
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as Problem;
  expect(problem.type).toBe(`urn:samsyn:problem:${type}`);
  if (pointer !== undefined) expect(problem.errors?.map((e) => e.pointer)).toContain(pointer);
  expect(await storedCounts(svc)).toEqual(before);
  return problem;
}

const valid = () => exampleStatusEvent(testPersonnummer(), 'assistance');
const json = (value: unknown) => ({ body: JSON.stringify(value) });

describe('bad input to POST /v1/status-events is a 4xx problem and stores nothing', () => {
  const cases: Array<[string, () => unknown, string, string?]> = [
    [
      'a missing personnummer',
      () => ({ ...valid(), personnummer: undefined }),
      'validation-failed',
      '/personnummer',
    ],
    [
      'a personnummer with a bad check digit',
      () => ({ ...valid(), personnummer: '19811218-9877' }),
      'invalid-personnummer',
      '/personnummer',
    ],
    [
      'an impossible date of birth',
      () => ({ ...valid(), personnummer: '19810230-1234' }),
      'invalid-personnummer',
      '/personnummer',
    ],
    [
      'a personnummer of the wrong type',
      () => ({ ...valid(), personnummer: 198112189876 }),
      'validation-failed',
      '/personnummer',
    ],
    ['an unknown category', () => ({ ...valid(), category: 'housing' }), 'validation-failed', '/category'],
    ['an unknown kind', () => ({ ...valid(), kind: 'paused' }), 'validation-failed', '/kind'],
    [
      'a missing effective date',
      () => ({ ...valid(), effectiveDate: undefined }),
      'validation-failed',
      '/effectiveDate',
    ],
    [
      'a malformed effective date',
      () => ({ ...valid(), effectiveDate: '2026-02-30' }),
      'validation-failed',
      '/effectiveDate',
    ],
    [
      'a date-time for a date',
      () => ({ ...valid(), effectiveDate: '2026-02-03T10:00:00Z' }),
      'validation-failed',
      '/effectiveDate',
    ],
    [
      'data of the wrong shape',
      () => ({ ...valid(), data: { extent: 'most' } }),
      'validation-failed',
      '/data/extent',
    ],
    [
      'data with an extra field (free text has no place)',
      () => ({ ...valid(), data: { ...valid().data, note: 'x' } }),
      'validation-failed',
      '/data',
    ],
    ['data that is not an object', () => ({ ...valid(), data: 'active' }), 'validation-failed', '/data'],
    ['an array for an object', () => [valid()], 'validation-failed'],
    ['a huge string', () => ({ ...valid(), kind: 'x'.repeat(100_000) }), 'validation-failed', '/kind'],
    ['a body over the size limit', () => ({ ...valid(), kind: 'x'.repeat(2_000_000) }), 'payload-too-large'],
  ];
  for (const [name, body, type, pointer] of cases) {
    it(name, async () => {
      await expectRefused('/v1/status-events', json(body()), type, pointer);
    });
  }

  it('a certificate that ends before it starts', async () => {
    const event = exampleStatusEvent(testPersonnummer(), 'certificate');
    const data = { ...event.data, validFrom: '2026-11-10', validUntil: '2026-11-01' };
    await expectRefused(
      '/v1/status-events',
      { ...json({ ...event, data }), as: 'region' },
      'validation-failed',
      '/data/validUntil',
    );
  });

  it('a body that is not JSON', async () => {
    await expectRefused('/v1/status-events', { body: '{"personnummer": ' }, 'malformed-request');
  });

  it('a body that is not declared JSON', async () => {
    await expectRefused(
      '/v1/status-events',
      { body: JSON.stringify(valid()), headers: { 'content-type': 'text/plain' } },
      'unsupported-media-type',
    );
  });

  it('a missing Idempotency-Key', async () => {
    const kommun = await svc.party('kommun');
    const before = await storedCounts(svc);
    const response = await svc.call(kommun, 'POST', '/v1/status-events', valid());
    expect(response.status).toBe(422);
    const problem = (await response.json()) as Problem;
    expect(problem.errors?.[0]).toMatchObject({ location: 'header', pointer: '/idempotency-key' });
    expect(await storedCounts(svc)).toEqual(before);
  });

  it('a too short Idempotency-Key', async () => {
    await expectRefused(
      '/v1/status-events',
      { ...json(valid()), headers: { 'idempotency-key': 'a' } },
      'validation-failed',
      '/idempotency-key',
    );
  });
});

describe('bad input to POST /v1/status-events/batch is a 4xx problem and stores nothing', () => {
  it('more than 500 events', async () => {
    const events = Array.from({ length: 501 }, () => exampleStatusEvent('19811218-9876', 'incapacity'));
    await expectRefused('/v1/status-events/batch', json({ events }), 'validation-failed', '/events');
  });

  it('no events', async () => {
    await expectRefused('/v1/status-events/batch', json({ events: [] }), 'validation-failed', '/events');
  });

  it('one bad event among good ones, named by its index', async () => {
    const events = [valid(), { ...valid(), effectiveDate: '2026-13-01' }, valid()];
    const problem = await expectRefused('/v1/status-events/batch', json({ events }), 'validation-failed');
    expect(problem.errors?.map((e) => e.pointer)).toEqual(['/events/1/effectiveDate']);
  });

  it('one invalid personnummer among good ones', async () => {
    const events = [valid(), { ...valid(), personnummer: '811218-9875' }];
    await expectRefused(
      '/v1/status-events/batch',
      json({ events }),
      'invalid-personnummer',
      '/events/1/personnummer',
    );
  });

  it('events that are not an array', async () => {
    await expectRefused('/v1/status-events/batch', json({ events: valid() }), 'validation-failed', '/events');
  });
});

describe('bad input to the queries is a 4xx problem and stores nothing', () => {
  for (const path of ['/v1/status-queries', '/v1/status-timeline-queries']) {
    it(`${path}: missing purpose, unknown purpose or category, invalid personnummer, extra fields`, async () => {
      const personnummer = testPersonnummer();
      await expectRefused(path, json({ personnummer }), 'validation-failed', '/purpose');
      await expectRefused(
        path,
        json({ personnummer, purpose: 'marketing' }),
        'validation-failed',
        '/purpose',
      );
      await expectRefused(
        path,
        json({ personnummer, purpose: 'sip', categories: ['housing'] }),
        'validation-failed',
        '/categories/0',
      );
      await expectRefused(
        path,
        json({ personnummer, purpose: 'sip', categories: [] }),
        'validation-failed',
        '/categories',
      );
      await expectRefused(
        path,
        json({ personnummer: '121212-1213', purpose: 'sip' }),
        'invalid-personnummer',
        '/personnummer',
      );
      await expectRefused(path, json({ personnummer, purpose: 'sip', name: 'Anna' }), 'validation-failed');
    });
  }

  it('bad pagination on the timeline', async () => {
    const body = json({ personnummer: testPersonnummer(), purpose: 'sip' });
    await expectRefused('/v1/status-timeline-queries?limit=0', body, 'validation-failed', '/limit');
    await expectRefused('/v1/status-timeline-queries?limit=501', body, 'validation-failed', '/limit');
    await expectRefused('/v1/status-timeline-queries?page=zero', body, 'validation-failed', '/page');
  });
});
