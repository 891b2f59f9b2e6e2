import { currentStatuses, statusEvents } from '@samsyn/db';
import { type Category, categories, categoryOwners, parsePersonNumber, partyKinds } from '@samsyn/domain';
import { exampleStatusEvent, type TestService, testPersonnummer } from '@samsyn/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKey, startExchange, storedCounts } from './harness';

let svc: TestService;
beforeAll(async () => {
  svc = await startExchange();
});
afterAll(() => svc.close());

function keyOf(personnummer: string): string {
  const parsed = parsePersonNumber(personnummer);
  if (!parsed.ok) throw new Error('bad test number');
  return svc.deps.persons.keyOf(parsed.value.normalised);
}

describe('publishing a status event', () => {
  it('appends the event, records the person by key only, and makes it the current status', async () => {
    const region = await svc.party('region');
    const personnummer = testPersonnummer();
    const event = exampleStatusEvent(personnummer, 'certificate');
    const response = await svc.call(region, 'POST', '/v1/status-events', event, idempotencyKey());
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; current: boolean; category: string; kind: string };
    expect(body).toMatchObject({ category: 'certificate', kind: 'issued', current: true });

    const [stored] = await svc.database.db.select().from(statusEvents).where(eq(statusEvents.id, body.id));
    expect(stored).toMatchObject({
      partyId: region.id,
      officerId: 'officer-1',
      personKey: keyOf(personnummer),
    });
    expect(JSON.stringify(stored)).not.toContain(personnummer.replace('-', '').slice(2));
    const [current] = await svc.database.db
      .select()
      .from(currentStatuses)
      .where(eq(currentStatuses.personKey, keyOf(personnummer)));
    expect(current).toMatchObject({ eventId: body.id, kind: 'issued', effectiveDate: '2026-11-01' });
  });

  it('moves the current status forward only for an event at least as recent', async () => {
    const kommun = await svc.party('kommun');
    const personnummer = testPersonnummer();
    const publish = async (kind: string, effectiveDate: string, data: Record<string, unknown>) => {
      const response = await svc.call(
        kommun,
        'POST',
        '/v1/status-events',
        { personnummer, category: 'assistance', kind, effectiveDate, data },
        idempotencyKey(),
      );
      expect(response.status).toBe(201);
      return (await response.json()) as { current: boolean };
    };
    const active = { extent: 'full', since: '2024-01-01', obstacle: 'unemployed' };
    expect(await publish('active', '2026-06-01', active)).toMatchObject({ current: true });
    expect(await publish('closed', '2026-10-01', { closedOn: '2026-10-01', reason: 'moved' })).toMatchObject({
      current: true,
    });
    // A late-arriving correction about the past is history, not the present.
    expect(await publish('active', '2026-05-01', active)).toMatchObject({ current: false });
    const rows = await svc.database.db
      .select()
      .from(currentStatuses)
      .where(eq(currentStatuses.personKey, keyOf(personnummer)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'closed', effectiveDate: '2026-10-01' });
    const history = await svc.database.db
      .select()
      .from(statusEvents)
      .where(eq(statusEvents.personKey, keyOf(personnummer)));
    expect(history).toHaveLength(3);
  });

  it('lets each party kind publish exactly the categories it owns', async () => {
    const personnummer = testPersonnummer();
    for (const kind of partyKinds) {
      const party = await svc.party(kind);
      for (const category of categories) {
        const response = await svc.call(
          party,
          'POST',
          '/v1/status-events',
          exampleStatusEvent(personnummer, category),
          idempotencyKey(),
        );
        const owns = categoryOwners[category as Category].includes(kind);
        // A förbund's token has no status:write scope at all: 403 insufficient-scope, before ownership.
        const expected = owns ? 201 : 403;
        expect({ kind, category, status: response.status }).toEqual({ kind, category, status: expected });
        if (!owns) {
          const problem = (await response.json()) as { type: string };
          const type = kind === 'forbund' ? 'insufficient-scope' : 'category-not-owned';
          expect(problem.type).toBe(`urn:samsyn:problem:${type}`);
        }
      }
    }
  });
});

describe('Idempotency-Key', () => {
  it('returns the first result for the same key and body, without a second event', async () => {
    const fk = await svc.party('fk');
    const event = exampleStatusEvent(testPersonnummer(), 'insurance');
    const key = idempotencyKey();
    const first = await svc.call(fk, 'POST', '/v1/status-events', event, key);
    const before = await storedCounts(svc);
    // The same JSON value with its keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(event).reverse());
    const second = await svc.call(fk, 'POST', '/v1/status-events', reordered, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    expect(await storedCounts(svc)).toEqual(before);
  });

  it('refuses the same key with another body, storing nothing', async () => {
    const fk = await svc.party('fk');
    const key = idempotencyKey();
    const personnummer = testPersonnummer();
    await svc.call(fk, 'POST', '/v1/status-events', exampleStatusEvent(personnummer, 'insurance'), key);
    const before = await storedCounts(svc);
    const other = exampleStatusEvent(personnummer, 'insurance', '2026-11-02');
    const response = await svc.call(fk, 'POST', '/v1/status-events', other, key);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { type: string }).type).toBe(
      'urn:samsyn:problem:idempotency-key-reused',
    );
    expect(await storedCounts(svc)).toEqual(before);
  });

  it('keys are per party: two parties may use the same key', async () => {
    const a = await svc.party('af');
    const b = await svc.party('fk');
    const key = idempotencyKey();
    const personnummer = testPersonnummer();
    const first = await svc.call(
      a,
      'POST',
      '/v1/status-events',
      exampleStatusEvent(personnummer, 'coordination'),
      key,
    );
    const second = await svc.call(
      b,
      'POST',
      '/v1/status-events',
      exampleStatusEvent(personnummer, 'coordination'),
      key,
    );
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(((await first.json()) as { id: string }).id).not.toBe(
      ((await second.json()) as { id: string }).id,
    );
  });

  it('lets exactly one of many concurrent duplicates publish; the others get its result', async () => {
    const af = await svc.party('af');
    const personnummer = testPersonnummer();
    const event = exampleStatusEvent(personnummer, 'employment');
    const key = idempotencyKey();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => svc.call(af, 'POST', '/v1/status-events', event, key)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(201));
    const ids = new Set(
      await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id)),
    );
    expect(ids.size).toBe(1);
    const stored = await svc.database.db
      .select()
      .from(statusEvents)
      .where(eq(statusEvents.personKey, keyOf(personnummer)));
    expect(stored).toHaveLength(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(11);
  });
});

describe('the batch', () => {
  it('publishes every event atomically with a result per item, in order', async () => {
    const region = await svc.party('region');
    const people = [testPersonnummer(), testPersonnummer(), testPersonnummer()];
    const events = people.flatMap((p) => [exampleStatusEvent(p, 'care'), exampleStatusEvent(p, 'diagnosis')]);
    const response = await svc.call(region, 'POST', '/v1/status-events/batch', { events }, idempotencyKey());
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      results: Array<{ index: number; category: string; id: string }>;
    };
    expect(body.results.map((r) => [r.index, r.category])).toEqual(events.map((e, i) => [i, e.category]));
    for (const p of people) {
      const rows = await svc.database.db
        .select()
        .from(statusEvents)
        .where(eq(statusEvents.personKey, keyOf(p)));
      expect(rows.map((r) => r.category).sort()).toEqual(['care', 'diagnosis']);
    }
  });

  it('publishes nothing when one event is not the caller’s to publish, naming it', async () => {
    const region = await svc.party('region');
    const personnummer = testPersonnummer();
    const events = [exampleStatusEvent(personnummer, 'care'), exampleStatusEvent(personnummer, 'insurance')];
    const before = await storedCounts(svc);
    const response = await svc.call(region, 'POST', '/v1/status-events/batch', { events }, idempotencyKey());
    expect(response.status).toBe(403);
    const problem = (await response.json()) as { type: string; errors: Array<{ pointer: string }> };
    expect(problem.type).toBe('urn:samsyn:problem:category-not-owned');
    expect(problem.errors.map((e) => e.pointer)).toEqual(['/events/1/category']);
    expect(await storedCounts(svc)).toEqual(before);
  });

  it('makes the most recent of several events about one status current, keeping them all', async () => {
    const region = await svc.party('region');
    const personnummer = testPersonnummer();
    const events = ['2026-10-05', '2026-10-20', '2026-10-10'].map((date) =>
      exampleStatusEvent(personnummer, 'care', date),
    );
    const response = await svc.call(region, 'POST', '/v1/status-events/batch', { events }, idempotencyKey());
    expect(response.status).toBe(201);
    const { results } = (await response.json()) as { results: Array<{ current: boolean }> };
    expect(results.map((r) => r.current)).toEqual([false, true, false]);
    const [current] = await svc.database.db
      .select()
      .from(currentStatuses)
      .where(eq(currentStatuses.personKey, keyOf(personnummer)));
    expect(current?.effectiveDate).toBe('2026-10-20');
    const history = await svc.database.db
      .select()
      .from(statusEvents)
      .where(eq(statusEvents.personKey, keyOf(personnummer)));
    expect(history).toHaveLength(3);
  });

  it('accepts 500 events', async () => {
    const kommun = await svc.party('kommun');
    const events = Array.from({ length: 500 }, () => exampleStatusEvent(testPersonnummer(), 'incapacity'));
    const response = await svc.call(kommun, 'POST', '/v1/status-events/batch', { events }, idempotencyKey());
    expect(response.status).toBe(201);
    expect(((await response.json()) as { results: unknown[] }).results).toHaveLength(500);
  });
});

describe('status periods', () => {
  it('give each event the span until the next one, also when events arrive out of order', async () => {
    const kommun = await svc.party('kommun');
    const personnummer = testPersonnummer();
    for (const date of ['2026-03-01', '2026-01-01', '2026-02-01', '2026-02-01']) {
      const response = await svc.call(
        kommun,
        'POST',
        '/v1/status-events',
        exampleStatusEvent(personnummer, 'planning', date),
        idempotencyKey(),
      );
      expect(response.status).toBe(201);
    }
    const periods = await svc.database.sql<{ valid_from: string; valid_until: string | null }[]>`
      select to_char(p.valid_from, 'YYYY-MM-DD') as valid_from, to_char(p.valid_until, 'YYYY-MM-DD') as valid_until
      from status_periods p join status_events e on e.id = p.event_id
      where p.person_key = ${keyOf(personnummer)} order by p.valid_from, e.position`;
    // The second event on 1 February replaces the first at once: an empty period.
    expect(periods).toEqual([
      { valid_from: '2026-01-01', valid_until: '2026-02-01' },
      { valid_from: '2026-02-01', valid_until: '2026-02-01' },
      { valid_from: '2026-02-01', valid_until: '2026-03-01' },
      { valid_from: '2026-03-01', valid_until: null },
    ]);
  });
});
