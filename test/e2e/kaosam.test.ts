import { type PublishedAdditiveGroup, recoverableCells } from '@samsyn/domain';
import { createTestParty, type TestParty, testPersonnummer } from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, startTestGateway, type TestGateway } from './sip-harness';

/**
 * Kaosam 2 (Lund, February 2017) rebuilt through the public API — consents, statuses and SIPs as the
 * kommun, the region, FK and AF would publish them — and its published counts read back from the
 * förbund's follow-up endpoints: 470 people, 74 with compensation (64 full, 10 partial, 5 of them also
 * sick-listed on the rest), 166 with certificate (87 primary care, 69 psychiatry, 10 other), 193
 * without certificate, 21 without care contact, 21 suspected, 58 with a SIP, 160 at AF of whom 85
 * seeking, 20 in förstärkt samarbete, 217 remaining and 253 new; at the follow-up 142 closed, 55
 * self-supporting and 87 with continued assistance.
 */
const day = 86_400_000;
const today = new Date();
const iso = (offsetDays: number) => new Date(today.getTime() + offsetDays * day).toISOString().slice(0, 10);
const AT = iso(0);
const PREVIOUS = iso(-250);
const FOLLOW_UP = iso(240);

type Group =
  | 'compensation_full'
  | 'compensation_partial'
  | 'partial_and_certificate'
  | 'certificate'
  | 'care'
  | 'incapacity'
  | 'suspected';

interface Person {
  personnummer: string;
  group: Group;
  remaining: boolean;
  issuer?: 'primary_care' | 'psychiatry' | 'other';
  sip: boolean;
  af?: 'seeking' | 'registered';
  reinforced: boolean;
  outcome?: 'self_supporting' | 'continued';
  sgi: 'zero' | 'unknown' | 'positive';
  consentId?: string;
}

/** Deals out attributes over the 470 so that every published count comes out as in the report. */
function population(): Person[] {
  const groups: Array<[Group, number]> = [
    ['compensation_full', 64],
    ['compensation_partial', 5],
    ['partial_and_certificate', 5],
    ['certificate', 161],
    ['care', 193],
    ['incapacity', 21],
    ['suspected', 21],
  ];
  const people: Person[] = [];
  for (const [group, count] of groups) {
    for (let i = 0; i < count; i++) {
      people.push({
        personnummer: testPersonnummer({ birthYear: 1962 + ((people.length * 7) % 36) }),
        group,
        remaining: false,
        sip: false,
        reinforced: false,
        sgi: 'zero',
      });
    }
  }
  const certified = people.filter((p) => p.group === 'certificate' || p.group === 'partial_and_certificate');
  certified.forEach((p, i) => {
    p.issuer = i < 87 ? 'primary_care' : i < 87 + 69 ? 'psychiatry' : 'other';
  });
  // Spread the other attributes with strides so they cut across the groups.
  people.forEach((p, i) => {
    p.remaining = (i * 13) % 470 < 217;
  });
  const pick = (count: number, stride: number, offset: number) => {
    const chosen = new Set<number>();
    for (let k = 0; chosen.size < count; k++) chosen.add((offset + k * stride) % people.length);
    return [...chosen].map((i) => people[i] as Person);
  };
  for (const p of pick(58, 8, 3)) p.sip = true;
  pick(160, 3, 1).forEach((p, i) => {
    p.af = i < 85 ? 'seeking' : 'registered';
  });
  for (const p of pick(20, 23, 5)) p.reinforced = true;
  pick(142, 3, 2).forEach((p, i) => {
    p.outcome = i < 55 ? 'self_supporting' : 'continued';
  });
  for (const p of pick(3, 151, 7)) p.sgi = 'positive';
  for (const p of pick(180, 2, 0)) if (p.sgi !== 'positive') p.sgi = 'unknown';
  return people;
}

let gateway: TestGateway;
let kommun: TestParty;
let region: TestParty;
let fk: TestParty;
let af: TestParty;
let forbund: TestParty;
const tokens: Record<string, string> = {};
const people = population();

async function publishAll(party: TestParty, events: unknown[]) {
  for (let i = 0; i < events.length; i += 500) {
    const response = await fetch(`${gateway.url}/v1/status-events/batch`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens[party.id]}`,
        'content-type': 'application/json',
        'idempotency-key': `kaosam-${party.id}-${i}-${events.length}`,
      },
      body: JSON.stringify({ events: events.slice(i, i + 500) }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
  }
}

beforeAll(async () => {
  gateway = await startTestGateway({ bodyLimitBytes: 1024 * 1024 });
  const db = gateway.database.db;
  kommun = await createTestParty(db, 'kommun');
  region = await createTestParty(db, 'region');
  fk = await createTestParty(db, 'fk');
  af = await createTestParty(db, 'af');
  forbund = await createTestParty(db, 'forbund', { memberIds: [kommun.id, region.id, fk.id, af.id] });
  const agencyScopes = 'consent:write status:write sip:write sip:read';
  for (const party of [kommun, region, fk, af])
    tokens[party.id] = await gateway.tokenFor(party, agencyScopes);
  tokens[forbund.id] = await gateway.tokenFor(forbund, 'metrics:read');

  // Consents: the kommun records each person's consent to follow-up (SUS) and to SIP.
  for (const person of people) {
    const recorded = await callApi(gateway, tokens[kommun.id] ?? '', 'POST', '/v1/consents', {
      personnummer: person.personnummer,
      givenBy: { kind: 'person' },
      parties: [kommun.id, region.id, fk.id, af.id, forbund.id],
      categories: [
        'assistance',
        'planning',
        'incapacity',
        'care',
        'certificate',
        'diagnosis',
        'insurance',
        'coordination',
        'employment',
      ],
      purposes: ['follow_up', 'sip'],
      validFrom: new Date(today.getTime() - 400 * day).toISOString(),
      validUntil: new Date(today.getTime() + 400 * day).toISOString(),
      form: 'written',
      evidenceReference: 'Kaosam samtyckesblankett',
      plainLanguageText: 'Jag samtycker till att mina uppgifter används för uppföljning och SIP.',
      legalBasis: 'public-task-follow-up',
    });
    expect(recorded.status).toBe(201);
    person.consentId = String((recorded.body.consent as { id: string }).id);
  }

  const start = (p: Person) => (p.remaining ? iso(-280) : iso(-200));
  const kommunEvents: unknown[] = [];
  const regionEvents: unknown[] = [];
  const fkEvents: unknown[] = [];
  const afEvents: unknown[] = [];
  for (const p of people) {
    const from = start(p);
    const event = (category: string, kind: string, data: Record<string, unknown>, effectiveDate = from) => ({
      personnummer: p.personnummer,
      category,
      kind,
      effectiveDate,
      data,
    });
    kommunEvents.push(
      event('assistance', 'active', {
        extent: 'full',
        since: p.remaining ? iso(-1100) : from,
        obstacle: 'sick_without_certificate',
      }),
    );
    if (p.group === 'incapacity')
      kommunEvents.push(event('incapacity', 'reported_without_care_contact', { reportedOn: from }));
    if (p.group === 'suspected')
      kommunEvents.push(event('incapacity', 'suspected_by_social_worker', { notedOn: from }));
    if (p.outcome) {
      const reason = p.outcome === 'self_supporting' ? 'self_supporting_work' : 'continued_with_compensation';
      kommunEvents.push(event('assistance', 'closed', { closedOn: iso(230), reason }, iso(230)));
    }
    if (p.group === 'care')
      regionEvents.push(event('care', 'in_contact', { setting: 'primary_care', rehabCoordinator: false }));
    if (p.issuer) {
      regionEvents.push(
        event('certificate', 'issued', {
          validFrom: from,
          validUntil: iso(60),
          extentPercent: p.group === 'partial_and_certificate' ? 50 : 100,
          issuerKind: p.issuer,
          dfaChainComplete: true,
        }),
      );
    }
    const compensation =
      p.group === 'compensation_full'
        ? { kind: 'activity', extent: 'full', degreePercent: 100 }
        : p.group === 'compensation_partial' || p.group === 'partial_and_certificate'
          ? { kind: 'sickness', extent: 'partial', degreePercent: 50 }
          : null;
    fkEvents.push(
      event('insurance', 'status', {
        sgi: p.sgi,
        sicknessBenefit: false,
        compensation,
        pendingApplication: null,
        lastDecision: null,
      }),
    );
    if (p.reinforced) {
      fkEvents.push(
        event('coordination', 'status', {
          samordning: 'none',
          reinforcedCooperation: true,
          jointMapping: true,
        }),
      );
    }
    if (p.af) {
      afEvents.push(
        event('employment', 'registered', {
          activelySeeking: p.af === 'seeking',
          withImpediment: p.af !== 'seeking',
          programme: null,
          activitySupport: false,
        }),
      );
    }
  }
  await publishAll(kommun, kommunEvents);
  await publishAll(region, regionEvents);
  await publishAll(fk, fkEvents);
  await publishAll(af, afEvents);

  for (const p of people.filter((person) => person.sip)) {
    const opened = await callApi(gateway, tokens[kommun.id] ?? '', 'POST', '/v1/sips', {
      personnummer: p.personnummer,
      consentId: p.consentId,
      participants: [kommun.id, region.id],
      principal: kommun.id,
      coordinator: { party: kommun.id, name: 'Kaosam-samordnare' },
      needs: ['Samordnad rehabilitering'],
    });
    expect(opened.status).toBe(201);
  }
}, 180_000);
afterAll(() => gateway.close());

type Cell = { key: string; count: number | null; suppressed: boolean; share: number | null };
type Table = {
  type: 'additive' | 'overlapping';
  key: string;
  total?: number | null;
  base?: number | null;
  cells: Cell[];
};

async function report(path: string, token = tokens[forbund.id] ?? '') {
  const response = await callApi(gateway, token, 'GET', path);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  const tables = response.body.tables as Table[];
  const cell = (table: string, key: string) =>
    tables.find((t) => t.key === table)?.cells.find((c) => c.key === key)?.count;
  const total = (table: string) => {
    const found = tables.find((t) => t.key === table);
    return found?.total ?? found?.base;
  };
  return { body: response.body, tables, cell, total };
}

describe('Kaosam 2 through the public API', () => {
  it('gives the report’s target-group counts back', async () => {
    const { cell, total, tables, body } = await report(
      `/v1/metrics/target-group?at=${AT}&previous=${PREVIOUS}`,
    );
    expect(total('criteria')).toBe(470);
    expect(cell('criteria', 'compensation')).toBe(74);
    expect(cell('compensation', 'full')).toBe(64);
    expect(cell('compensation', 'partial')).toBe(10);
    expect(cell('criteria', 'partial_compensation_and_certificate')).toBe(5);
    expect(cell('criteria', 'certificate')).toBe(166);
    expect(cell('certificate_issuer', 'primary_care')).toBe(87);
    expect(cell('certificate_issuer', 'psychiatry')).toBe(69);
    expect(cell('certificate_issuer', 'other')).toBe(10);
    expect(cell('criteria', 'care_without_certificate')).toBe(193);
    expect(cell('criteria', 'incapacity_without_care')).toBe(21);
    expect(cell('criteria', 'suspected_by_social_worker')).toBe(21);
    expect(cell('sip', 'yes')).toBe(58);
    expect((cell('af', 'seeking') ?? 0) + (cell('af', 'registered') ?? 0)).toBe(160);
    expect(cell('af', 'seeking')).toBe(85);
    expect(cell('reinforced_cooperation', 'yes')).toBe(20);
    expect(cell('remaining', 'remaining')).toBe(217);
    expect(cell('remaining', 'new')).toBe(253);
    expect(body).toMatchObject({ forbund: forbund.id, at: AT, threshold: 5 });
    expect(body.definitions).toHaveProperty('targetGroup');
    // Three people with positive SGI: hidden, with a complement so the total cannot give them away.
    const sgi = tables.find((t) => t.key === 'sgi') as unknown as PublishedAdditiveGroup;
    expect(sgi.cells.find((c) => c.key === 'positive')).toMatchObject({
      count: null,
      suppressed: true,
      share: null,
    });
    expect(sgi.cells.filter((c) => c.suppressed).length).toBeGreaterThanOrEqual(2);
    for (const table of tables.filter((t) => t.type === 'additive')) {
      expect({
        table: table.key,
        recoverable: recoverableCells(table as unknown as PublishedAdditiveGroup),
      }).toEqual({
        table: table.key,
        recoverable: [],
      });
    }
  });

  it('gives the October follow-up back', async () => {
    const { cell } = await report(
      `/v1/metrics/outcomes?baseline=${AT}&followUp=${FOLLOW_UP}&previous=${PREVIOUS}`,
    );
    expect(cell('outcome', 'self_supporting')).toBe(55);
    expect(cell('outcome', 'continued_assistance')).toBe(87);
    expect(cell('outcome', 'open')).toBe(470 - 142);
    expect(cell('closure_reason', 'self_supporting_work')).toBe(55);
  });

  it('serves the same tables as CSV', async () => {
    const response = await fetch(`${gateway.url}/v1/metrics/target-group?at=${AT}`, {
      headers: { authorization: `Bearer ${tokens[forbund.id]}`, accept: 'text/csv' },
    });
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text()).trim().split('\n');
    expect(lines[0]).toBe('table,title,cell,label,count,share');
    expect(lines).toContainEqual(expect.stringMatching(/^criteria,.*,certificate,.*,166,/));
  });

  it('counts flows in the period', async () => {
    const { cell } = await report(`/v1/metrics/flows?from=${iso(-1)}&to=${iso(1)}`);
    expect(cell('sip_activity', 'sips_opened')).toBe(58);
  });

  it('lets a member kommun read its own figures, and refuses another förbund’s', async () => {
    const kommunToken = await gateway.tokenFor(kommun, 'metrics:read');
    const own = await report(`/v1/metrics/target-group?at=${AT}`, kommunToken);
    expect(own.total('criteria')).toBe(470);
    const other = await callApi(
      gateway,
      tokens[forbund.id] ?? '',
      'GET',
      `/v1/metrics/target-group?at=${AT}&forbund=forbund:elsewhere`,
    );
    expect(other.status).toBe(404);
    const outsider = await createTestParty(gateway.database.db, 'kommun');
    const outsiderToken = await gateway.tokenFor(outsider, 'metrics:read');
    expect((await callApi(gateway, outsiderToken, 'GET', `/v1/metrics/target-group?at=${AT}`)).status).toBe(
      404,
    );
  });

  it('refuses bad parameters with problem+json', async () => {
    const token = tokens[forbund.id] ?? '';
    for (const path of [
      '/v1/metrics/target-group?at=2017-02-30',
      '/v1/metrics/target-group?at=yesterday',
      '/v1/metrics/target-group',
      `/v1/metrics/target-group?at=${AT}&previous=${FOLLOW_UP}`,
      `/v1/metrics/outcomes?baseline=${AT}&followUp=${PREVIOUS}`,
      `/v1/metrics/outcomes?baseline=${AT}&followUp=${AT}`,
      `/v1/metrics/flows?from=${AT}&to=${PREVIOUS}`,
      '/v1/metrics/flows?from=2017-01-01',
    ]) {
      const response = await fetch(`${gateway.url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect({ path, status: response.status }).toEqual({ path, status: 422 });
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('drops a person whose follow-up consent is withdrawn from every snapshot computed afterwards', async () => {
    const suspected = people.find((p) => p.group === 'suspected');
    const revoked = await callApi(
      gateway,
      tokens[kommun.id] ?? '',
      'POST',
      `/v1/consents/${suspected?.consentId}/revocation`,
      {
        reason: 'Personen drog tillbaka sitt samtycke.',
      },
    );
    expect(revoked.status).toBe(200);
    const { cell, total } = await report(`/v1/metrics/target-group?at=${AT}`);
    expect(total('criteria')).toBe(469);
    expect(cell('criteria', 'suspected_by_social_worker')).toBe(20);
  });
});
