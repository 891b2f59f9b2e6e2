import { randomUUID } from 'node:crypto';
import { persons, signals } from '@samsyn/db';
import { parsePersonNumber, signalRuleIds } from '@samsyn/domain';
import { ProblemSchema } from '@samsyn/http';
import {
  describeServiceHost,
  startTestService,
  type TestParty,
  type TestService,
  testPersonnummer,
  testPersonVault,
} from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, serviceDescription, serviceName } from '../src/app';
import {
  SignalListSchema,
  SignalRuleListSchema,
  SignalRuleSchema,
  SignalWithPersonSchema,
} from '../src/schemas';

describeServiceHost({ name: serviceName, description: serviceDescription, createApp });

/**
 * The routes' own contract, on the service hosted alone: who may call what, what a bad request gets,
 * and that answers match their schemas. How signals come about is the end-to-end tests' subject.
 */
let svc: TestService;
let kommun: TestParty;
let other: TestParty;
let forbund: TestParty;
const ids: string[] = [];

async function insertSignal(party: TestParty, overrides: Partial<typeof signals.$inferInsert> = {}) {
  const parsed = parsePersonNumber(testPersonnummer());
  if (!parsed.ok) throw new Error('bad test personnummer');
  const person = testPersonVault().record(parsed.value);
  await svc.database.db.insert(persons).values(person).onConflictDoNothing();
  const id = randomUUID();
  await svc.database.db.insert(signals).values({
    id,
    personKey: person.personKey,
    ruleId: 'incapacity-without-care',
    partyId: party.id,
    purpose: 'coordination',
    categories: ['incapacity', 'care'],
    consentIds: [],
    thresholds: { days: 30 },
    conditionSince: '2026-01-01',
    raisedAt: new Date('2026-03-01T10:00:00Z'),
    ...overrides,
  });
  return id;
}

async function problem(response: Response, status: number, type: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = ProblemSchema.parse(await response.json());
  expect(body.type).toBe(`urn:samsyn:problem:${type}`);
  return body;
}

beforeAll(async () => {
  svc = await startTestService({ name: serviceName, description: serviceDescription, createApp });
  kommun = await svc.party('kommun');
  other = await svc.party('kommun');
  forbund = await svc.party('forbund');
  for (let day = 1; day <= 5; day++) {
    ids.push(await insertSignal(kommun, { raisedAt: new Date(`2026-03-0${day}T10:00:00Z`) }));
  }
  ids.push(
    await insertSignal(kommun, {
      ruleId: 'passive-sick-listing',
      state: 'cleared',
      clearedAt: new Date('2026-03-10T10:00:00Z'),
      clearedBecause: 'condition_cleared',
      raisedAt: new Date('2026-03-06T10:00:00Z'),
    }),
  );
  await insertSignal(other);
});
afterAll(() => svc.close());

describe('GET /v1/signals', () => {
  it('lists the party’s own signals newest first, a page at a time, filtered', async () => {
    const first = SignalListSchema.parse(await (await svc.call(kommun, 'GET', '/v1/signals?limit=4')).json());
    expect(first.signals.map((signal) => signal.id)).toEqual([...ids].reverse().slice(0, 4));
    expect(first.page).toEqual({ limit: 4, page: 1, hasMore: true });
    const second = SignalListSchema.parse(
      await (await svc.call(kommun, 'GET', '/v1/signals?limit=4&page=2')).json(),
    );
    expect(second.signals).toHaveLength(2);
    expect(second.page.hasMore).toBe(false);
    const cleared = SignalListSchema.parse(
      await (await svc.call(kommun, 'GET', '/v1/signals?state=cleared&rule=passive-sick-listing')).json(),
    );
    expect(cleared.signals.map((signal) => signal.id)).toEqual([ids[5]]);
    const period = SignalListSchema.parse(
      await (await svc.call(kommun, 'GET', '/v1/signals?from=2026-03-02&to=2026-03-03')).json(),
    );
    expect(period.signals.map((signal) => signal.id)).toEqual([ids[2], ids[1]]);
    // A list names nobody.
    expect(JSON.stringify(first)).not.toMatch(/personnummer|personKey/);
  });

  it('refuses a bad filter with the field named', async () => {
    const body = await problem(
      await svc.call(kommun, 'GET', '/v1/signals?state=closed&from=2026-02-30'),
      422,
      'validation-failed',
    );
    expect(body.errors?.map((e) => e.pointer).sort()).toEqual(['/from', '/state']);
  });
});

describe('GET /v1/signals/{id}', () => {
  it('shows the party’s own signal, without the person when no consent covers it, and nobody else’s', async () => {
    const mine = SignalWithPersonSchema.parse(
      await (await svc.call(kommun, 'GET', `/v1/signals/${ids[0]}`)).json(),
    );
    expect(mine).toMatchObject({
      id: ids[0],
      state: 'open',
      person: null,
      rule: { id: 'incapacity-without-care' },
    });
    expect(mine.rule.explanation.sv).toContain('30 dagar');
    await problem(await svc.call(other, 'GET', `/v1/signals/${ids[0]}`), 404, 'not-found');
    await problem(await svc.call(kommun, 'GET', `/v1/signals/${randomUUID()}`), 404, 'not-found');
    await problem(await svc.call(kommun, 'GET', '/v1/signals/not-a-uuid'), 422, 'validation-failed');
  });

  it('needs signals:read, which a förbund cannot have', async () => {
    const token = await svc.tokenFor(kommun, { scopes: ['whoami', 'status:read'] });
    const response = await fetch(`${svc.url}/v1/signals/${ids[0]}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await problem(response, 403, 'insufficient-scope');
    await problem(await svc.call(forbund, 'GET', '/v1/signals'), 403, 'insufficient-scope');
  });
});

describe('POST /v1/signals/{id}/acknowledgements', () => {
  it('records the outcome once per call, the latest counting; a cleared signal stays cleared', async () => {
    const acted = await svc.call(kommun, 'POST', `/v1/signals/${ids[5]}/acknowledgements`, {
      outcome: 'acted',
    });
    expect(acted.status).toBe(200);
    expect(await acted.json()).toMatchObject({
      state: 'cleared',
      acknowledgement: { outcome: 'acted', reason: null },
    });
    const changed = await svc.call(kommun, 'POST', `/v1/signals/${ids[5]}/acknowledgements`, {
      outcome: 'not_relevant',
      reason: 'Dubblett av en äldre signal.',
    });
    expect(await changed.json()).toMatchObject({ acknowledgement: { outcome: 'not_relevant' } });
  });

  it('refuses an unknown outcome, extra fields and another party’s signal', async () => {
    await problem(
      await svc.call(kommun, 'POST', `/v1/signals/${ids[0]}/acknowledgements`, { outcome: 'ignored' }),
      422,
      'validation-failed',
    );
    await problem(
      await svc.call(kommun, 'POST', `/v1/signals/${ids[0]}/acknowledgements`, {
        outcome: 'acted',
        note: 'x',
      }),
      422,
      'validation-failed',
    );
    await problem(
      await svc.call(other, 'POST', `/v1/signals/${ids[0]}/acknowledgements`, { outcome: 'acted' }),
      404,
      'not-found',
    );
  });
});

describe('signal rules', () => {
  it('lists every rule for the förbund, with defaults until it sets its own', async () => {
    const list = SignalRuleListSchema.parse(
      await (await svc.call(forbund, 'GET', '/v1/signal-rules')).json(),
    );
    expect(list.forbund).toBe(forbund.id);
    expect(list.rules.map((rule) => rule.id)).toEqual([...signalRuleIds]);
    const sip = list.rules.find((rule) => rule.id === 'sip-follow-up-missed');
    expect(sip).toMatchObject({ purpose: 'sip', readsSips: 'participating', thresholdsUpdatedAt: null });
  });

  it('sets thresholds per förbund, leaving other förbund on the defaults', async () => {
    const set = await svc.call(forbund, 'PUT', '/v1/signal-rules/passive-sick-listing/thresholds', {
      months: 3,
    });
    expect(set.status).toBe(200);
    const rule = SignalRuleSchema.parse(await set.json());
    expect(rule.thresholds.map((t) => [t.key, t.value])).toEqual([
      ['months', 3],
      ['maxGapDays', 14],
    ]);
    const another = await svc.party('forbund');
    const theirs = SignalRuleListSchema.parse(
      await (await svc.call(another, 'GET', '/v1/signal-rules')).json(),
    );
    expect(theirs.rules.find((r) => r.id === 'passive-sick-listing')?.thresholds[0]?.value).toBe(6);
  });

  it('refuses values out of bounds, unknown keys and rules, and callers that are not a förbund', async () => {
    const body = await problem(
      await svc.call(forbund, 'PUT', '/v1/signal-rules/passive-sick-listing/thresholds', {
        months: 37,
        maxGapDays: 1.5,
      }),
      422,
      'validation-failed',
    );
    expect(body.errors?.map((e) => e.pointer).sort()).toEqual(['/maxGapDays', '/months']);
    await problem(
      await svc.call(forbund, 'PUT', '/v1/signal-rules/no-such-rule/thresholds', {}),
      422,
      'validation-failed',
    );
    await problem(
      await svc.call(forbund, 'PUT', '/v1/signal-rules/passive-sick-listing/thresholds', [1]),
      422,
      'validation-failed',
    );
    await problem(await svc.call(kommun, 'GET', '/v1/signal-rules'), 403, 'insufficient-scope');
  });
});

describe('GET /v1/metrics/signals', () => {
  it('gives a förbund its own figures and refuses another’s, or a kommun outside it', async () => {
    const own = await svc.call(forbund, 'GET', '/v1/metrics/signals?from=2026-01-01&to=2026-12-31');
    expect(own.status).toBe(200);
    await problem(
      await svc.call(
        forbund,
        'GET',
        '/v1/metrics/signals?from=2026-01-01&to=2026-12-31&forbund=forbund:someone-else',
      ),
      404,
      'not-found',
    );
    await problem(
      await svc.call(kommun, 'GET', '/v1/metrics/signals?from=2026-01-01&to=2026-12-31'),
      404,
      'not-found',
    );
    await problem(
      await svc.call(forbund, 'GET', '/v1/metrics/signals?from=2026-01-01'),
      422,
      'validation-failed',
    );
  });
});
