import { randomUUID } from 'node:crypto';
import { createDatabase } from '@samsyn/db';
import { createLogger } from '@samsyn/http';
import {
  captureLogs,
  createTestConsent,
  createTestDatabase,
  createTestParty,
  type TestDatabase,
  type TestParty,
  testPersonnummer,
  testPersonVault,
} from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignalEngine, type SignalEngine } from '../src';

/**
 * The engine on a real database, without HTTP: what a pass claims, and what time alone does —
 * `runPass({ now })` stands in for the days passing, which the end-to-end tests cannot wait for.
 */
let database: TestDatabase;
let engine: SignalEngine;
let kommun: TestParty;
let region: TestParty;
const logs = captureLogs();
const vault = testPersonVault();
const dayMs = 86_400_000;
const isoDay = (at: Date) => at.toISOString().slice(0, 10);
const personKeys: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  engine = createSignalEngine({
    db: database.db,
    logger: createLogger({ name: 'signals-test', level: 'info', destination: logs.stream }),
  });
  kommun = await createTestParty(database.db, 'kommun');
  region = await createTestParty(database.db, 'region');
});
afterAll(() => database.close());

/** A person with a consent for the incapacity rule and the kommun's report `daysAgo` days before now. */
async function reported(daysAgo: number, consent: { validUntil?: Date } = {}) {
  const personnummer = testPersonnummer();
  const stored = await createTestConsent(database.db, vault, {
    personnummer,
    parties: [kommun.id, region.id],
    categories: ['incapacity', 'care'],
    purposes: ['coordination'],
    ...consent,
  });
  const on = isoDay(new Date(Date.now() - daysAgo * dayMs));
  const eventId = randomUUID();
  // The exchange's publication, reduced to the two tables the engine reads (and the trigger fires on).
  await database.sql`
    insert into status_events (id, person_key, party_id, category, kind, effective_date, data, officer_id)
    values (${eventId}, ${stored.personKey}, ${kommun.id}, 'incapacity', 'reported_without_care_contact', ${on},
            ${JSON.stringify({ reportedOn: on })}::jsonb, 'officer-1')`;
  await database.sql`
    insert into current_statuses (person_key, party_id, category, event_id, kind, effective_date, data, published_at)
    values (${stored.personKey}, ${kommun.id}, 'incapacity', ${eventId}, 'reported_without_care_contact', ${on},
            ${JSON.stringify({ reportedOn: on })}::jsonb, now())`;
  personKeys.push(stored.personKey);
  return stored.personKey;
}

async function signalsOf(personKey: string) {
  return database.sql<Array<{ party_id: string; state: string; cleared_because: string | null }>>`
    select party_id, state, cleared_because from signals where person_key = ${personKey} order by party_id`;
}

describe('the engine', () => {
  it('evaluates a changed person once, however many evaluators run at the same time', async () => {
    const personKey = await reported(40);
    const others = [1, 2].map(() =>
      createSignalEngine({ db: database.db, logger: { info() {}, warn() {} } }),
    );
    await Promise.all([engine.runPass(), ...others.map((other) => other.runPass())]);
    expect(await signalsOf(personKey)).toHaveLength(2);
    const [counts] = await database.sql<Array<{ evaluated: number; deliveries: number; queued: number }>>`
      select (select count(*)::int from audit_log where person_key = ${personKey} and action = 'signal.evaluated') as evaluated,
             (select count(*)::int from deliveries d join signals s on s.id::text = d.payload->>'signalId'
              where s.person_key = ${personKey}) as deliveries,
             (select count(*)::int from signal_changes where person_key = ${personKey}) as queued`;
    // One entry and one message for each of the two parties told; the change is consumed.
    expect(counts).toEqual({ evaluated: 2, deliveries: 2, queued: 0 });
  });

  it('looks again when the time comes, and not before', async () => {
    const personKey = await reported(10);
    await engine.runPass();
    expect(await signalsOf(personKey)).toEqual([]);
    const evaluations = async () => {
      const [row] = await database.sql<Array<{ n: number }>>`
        select count(*)::int as n from audit_log where person_key = ${personKey} and action = 'signal.evaluated'`;
      return row?.n;
    };
    const read = await evaluations();
    // Nineteen days on the person is not due: the sweep does not even read their statuses.
    await engine.runPass({ now: new Date(Date.now() + 19 * dayMs) });
    expect(await evaluations()).toBe(read);
    const after = await engine.runPass({ now: new Date(Date.now() + 21 * dayMs) });
    expect(after.due.flatMap((outcome) => outcome.raised.map((signal) => signal.partyId)).sort()).toEqual(
      [kommun.id, region.id].sort(),
    );
    expect((await signalsOf(personKey)).map((signal) => signal.state)).toEqual(['open', 'open']);
  });

  it('closes a signal when the consent it rests on runs out, reading nothing', async () => {
    const validUntil = new Date(Date.now() + 5 * dayMs);
    const personKey = await reported(40, { validUntil });
    await engine.runPass();
    expect(await signalsOf(personKey)).toHaveLength(2);
    const [schedule] = await database.sql<Array<{ due: string }>>`
      select to_json(due_at) #>> '{}' as due from signal_schedule where person_key = ${personKey}`;
    expect(Date.parse(schedule?.due ?? '')).toBe(validUntil.getTime());
    await engine.runPass({ now: new Date(validUntil.getTime() + 1000) });
    expect((await signalsOf(personKey)).map((signal) => signal.cleared_because)).toEqual([
      'consent_ended',
      'consent_ended',
    ]);
    const [entries] = await database.sql<Array<{ n: number }>>`
      select count(*)::int as n from audit_log where person_key = ${personKey} and action = 'signal.evaluated'`;
    expect(entries?.n).toBe(2);
  });

  it('puts a person whose evaluation fails aside, retries it later, and goes on with the others', async () => {
    const personKey = await reported(40);
    // An engine whose writes give up after 300 ms, while another session keeps the signals table from taking rows.
    const impatient = createDatabase({ url: `${database.url}?lock_timeout=300`, maxConnections: 2 });
    const blocker = await database.sql.reserve();
    try {
      await blocker`begin`;
      await blocker`lock table signals in share mode`;
      const failing = createSignalEngine({
        db: impatient.db,
        logger: createLogger({ name: 'signals-test', level: 'info', destination: logs.stream }),
      });
      expect((await failing.runPass()).changed).toEqual([]);
      await blocker`rollback`;
    } finally {
      blocker.release();
      await impatient.close();
    }
    const [row] = await database.sql<Array<{ attempts: number; minutes: number }>>`
      select attempts, round(extract(epoch from due_at - now()) / 60)::int as minutes
      from signal_changes where person_key = ${personKey}`;
    expect(row).toEqual({ attempts: 1, minutes: 2 });
    expect(
      logs
        .entries()
        .some((entry) => entry.msg === 'signal evaluation failed; the person is tried again later'),
    ).toBe(true);
    await engine.runPass();
    expect(await signalsOf(personKey)).toEqual([]);
    await engine.runPass({ now: new Date(Date.now() + 3 * 60_000) });
    expect(await signalsOf(personKey)).toHaveLength(2);
  });

  it('logs no person key', () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    for (const key of personKeys) expect(logs.lines.join('\n')).not.toContain(key);
  });
});
