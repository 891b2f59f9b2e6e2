import { randomUUID } from 'node:crypto';
import type { Category, ConsentPurpose } from '@samsyn/domain';
import { parsePersonNumber } from '@samsyn/domain';
import { createTestParty, type TestParty, testPersonnummer, type WebhookReceiver } from '@samsyn/testkit';
import { expect } from 'vitest';
import {
  allScopes,
  callApi,
  dispatcherSettings,
  startDispatcher,
  startTestGateway,
  withReceiver,
} from './sip-harness';

export type AgencyName = 'kommun' | 'region' | 'fk' | 'af';
export const agencyNames: readonly AgencyName[] = ['kommun', 'region', 'fk', 'af'];

/**
 * The product as an agency meets it: a real gateway, a real dispatcher evaluating signals and
 * delivering webhooks to one receiver per agency, and a förbund with the kommun and the region as
 * members. With `live` off, nothing evaluates until a test calls `runPass`, so a test that expects
 * no signal knows an evaluation has run; with it on, the change loop and the sweep run as deployed.
 */
export async function startSignalWorld(
  options: { live?: { changeIntervalMs: number; sweepIntervalMs: number } } = {},
) {
  const gateway = await startTestGateway({ bodyLimitBytes: 1024 * 1024 });
  const db = gateway.database.db;
  const party = {} as Record<AgencyName, TestParty>;
  const receiver = {} as Record<AgencyName, WebhookReceiver>;
  const token = {} as Record<AgencyName, string>;
  for (const name of agencyNames) {
    party[name] = await createTestParty(db, name);
    receiver[name] = await withReceiver(gateway, party[name]);
    token[name] = await gateway.tokenFor(
      party[name],
      `${allScopes} signals:read signals:write${name === 'kommun' ? ' metrics:read' : ''}`,
      `${name}-officer`,
    );
  }
  const forbund = await createTestParty(db, 'forbund', { memberIds: [party.kommun.id, party.region.id] });
  const forbundToken = await gateway.tokenFor(forbund, 'signals:admin metrics:read', 'forbund-officer');
  const hour = 3_600_000;
  const dispatcher = startDispatcher(
    dispatcherSettings(gateway, {
      signals: options.live ?? { changeIntervalMs: hour, sweepIntervalMs: hour },
    }),
  );
  const signals = dispatcher.signals;
  if (!signals) throw new Error('the dispatcher runs no signal evaluation');
  return {
    gateway,
    dispatcher,
    party,
    receiver,
    token,
    forbund,
    forbundToken,
    runPass: () => signals.runPass(),
    close: async () => {
      await dispatcher.stop();
      for (const name of agencyNames) await receiver[name].close();
      await gateway.close();
    },
  };
}

export type SignalWorld = Awaited<ReturnType<typeof startSignalWorld>>;

const dayMs = 86_400_000;
/** A calendar day (UTC) this many days from today. */
export const day = (offset: number) => new Date(Date.now() + offset * dayMs).toISOString().slice(0, 10);

export function newPerson(): string {
  return testPersonnummer();
}

export function personKeyOf(world: SignalWorld, personnummer: string): string {
  const parsed = parsePersonNumber(personnummer);
  if (!parsed.ok) throw new Error('not a personnummer');
  return world.gateway.persons.keyOf(parsed.value.normalised);
}

/** Records a consent through the API, as the first agency it names that can record it. */
export async function recordConsent(
  world: SignalWorld,
  consent: {
    personnummer: string;
    parties: AgencyName[];
    categories: Category[];
    purposes: ConsentPurpose[];
    validFrom?: string;
    validUntil?: string;
    extraParties?: string[];
  },
): Promise<string> {
  const recorder = consent.parties[0] ?? 'kommun';
  const reply = await callApi(world.gateway, world.token[recorder], 'POST', '/v1/consents', {
    personnummer: consent.personnummer,
    givenBy: { kind: 'person' },
    parties: [...consent.parties.map((name) => world.party[name].id), ...(consent.extraParties ?? [])],
    categories: consent.categories,
    purposes: consent.purposes,
    validFrom: consent.validFrom ?? new Date(Date.now() - 60_000).toISOString(),
    validUntil: consent.validUntil ?? new Date(Date.now() + 365 * dayMs).toISOString(),
    form: 'written',
    evidenceReference: 'dnr 2026-17',
    legalBasis: 'public-task-social-protection',
    plainLanguageText: 'Jag samtycker till att parterna samordnar sina insatser för mig.',
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return String((reply.body.consent as { id: string }).id);
}

/** Publishes one status through the API, with an idempotency key of its own. */
export async function publish(
  world: SignalWorld,
  by: AgencyName,
  event: {
    personnummer: string;
    category: Category;
    kind: string;
    effectiveDate: string;
    data: Record<string, unknown>;
  },
) {
  const response = await fetch(`${world.gateway.url}/v1/status-events`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${world.token[by]}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify(event),
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

export async function setThresholds(world: SignalWorld, rule: string, thresholds: Record<string, number>) {
  const reply = await callApi(
    world.gateway,
    world.forbundToken,
    'PUT',
    `/v1/signal-rules/${rule}/thresholds`,
    thresholds,
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
}

export interface SignalRow {
  id: string;
  state: string;
  cleared_because: string | null;
}

/** The person's signals of a rule to an agency, from the database: how a test finds the ids to follow. */
export async function signalsOf(
  world: SignalWorld,
  personnummer: string,
  rule: string,
  to: AgencyName,
): Promise<SignalRow[]> {
  return world.gateway.database.sql<SignalRow[]>`
    select id, state, cleared_because from signals
    where person_key = ${personKeyOf(world, personnummer)} and rule_id = ${rule} and party_id = ${world.party[to].id}
    order by raised_at`;
}

/** Waits for the webhook of a signal at the agency's receiver; it must carry the signal id and nothing else. */
export async function expectWebhook(world: SignalWorld, to: AgencyName, type: string, signalId: string) {
  await expect
    .poll(
      () => world.receiver[to].ofType(type).filter((message) => message.data.signalId === signalId).length,
      {
        timeout: 10_000,
      },
    )
    .toBe(1);
  const [message] = world.receiver[to].ofType(type).filter((m) => m.data.signalId === signalId);
  expect(Object.keys(message?.data ?? {})).toEqual(['signalId']);
}

/** The one signal raised to the agency about the person under the rule, checked through the API. */
export async function expectRaised(world: SignalWorld, personnummer: string, rule: string, to: AgencyName) {
  const rows = await signalsOf(world, personnummer, rule, to);
  expect(rows, `${rule} to ${to}`).toHaveLength(1);
  const id = rows[0]?.id ?? '';
  await expectWebhook(world, to, 'signal.raised', id);
  const read = await callApi(world.gateway, world.token[to], 'GET', `/v1/signals/${id}`);
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({
    id,
    state: 'open',
    party: world.party[to].id,
    rule: { id: rule },
    person: { personnummer: personnummer.replace('-', '') },
  });
  const listed = await callApi(
    world.gateway,
    world.token[to],
    'GET',
    `/v1/signals?rule=${rule}&state=open&limit=500`,
  );
  expect((listed.body.signals as Array<{ id: string }>).map((signal) => signal.id)).toContain(id);
  return id;
}

/** Every signal the agency was told about, through its API: what "nothing new" is compared with. */
export async function listedIds(world: SignalWorld, to: AgencyName): Promise<string[]> {
  const listed = await callApi(world.gateway, world.token[to], 'GET', '/v1/signals?limit=500');
  return (listed.body.signals as Array<{ id: string }>).map((signal) => signal.id);
}

/**
 * After a pass: no signal of the rule about the person, nothing new for any agency, and nothing read
 * for the rule (the consent may still cover another rule, whose reading is logged as such).
 */
export async function expectNothingFor(
  world: SignalWorld,
  personnummer: string,
  rule: string,
  before: Record<AgencyName, string[]>,
) {
  const personKey = personKeyOf(world, personnummer);
  const [counts] = await world.gateway.database.sql<Array<{ signals: number; evaluated: number }>>`
    select (select count(*)::int from signals where person_key = ${personKey} and rule_id = ${rule}) as signals,
           (select count(*)::int from audit_log where person_key = ${personKey} and action = 'signal.evaluated'
              and details->'rules' ? ${rule}) as evaluated`;
  expect(counts).toEqual({ signals: 0, evaluated: 0 });
  for (const name of agencyNames) expect(await listedIds(world, name)).toEqual(before[name]);
}

export async function snapshotListed(world: SignalWorld): Promise<Record<AgencyName, string[]>> {
  const snapshot = {} as Record<AgencyName, string[]>;
  for (const name of agencyNames) snapshot[name] = await listedIds(world, name);
  return snapshot;
}

/** The signal was cleared because its condition did, the party was told, and the API shows it. */
export async function expectCleared(
  world: SignalWorld,
  to: AgencyName,
  id: string,
  because = 'condition_cleared',
) {
  await expectWebhook(world, to, 'signal.cleared', id);
  const read = await callApi(world.gateway, world.token[to], 'GET', `/v1/signals/${id}`);
  expect(read.body).toMatchObject({ id, state: 'cleared', clearedBecause: because });
  expect(typeof read.body.clearedAt).toBe('string');
}

export { callApi };
