import { createTestParty, type TestParty, testPersonnummer } from '@samsyn/testkit';
import { expect } from 'vitest';
import { callApi, type TestGateway } from './sip-harness';

/**
 * The Kaosam 2 scenario (Lund, February 2017) rebuilt through the public API — consents, statuses and SIPs as the
 * kommun, the region, FK and AF would publish them — and its published counts read back from the
 * förbund's follow-up endpoints (kaosam.test.ts) and its dashboard (dashboard.test.ts): 470 people, 74 with compensation (64 full, 10 partial, 5 of them also
 * sick-listed on the rest), 166 with certificate (87 primary care, 69 psychiatry, 10 other), 193
 * without certificate, 21 without care contact, 21 suspected, 58 with a SIP, 160 at AF of whom 85
 * seeking, 20 in förstärkt samarbete, 217 remaining and 253 new; at the follow-up 142 closed, 55
 * self-supporting and 87 with continued assistance.
 */
const day = 86_400_000;
const today = new Date();
export const iso = (offsetDays: number) =>
  new Date(today.getTime() + offsetDays * day).toISOString().slice(0, 10);
export const AT = iso(0);
export const PREVIOUS = iso(-250);
export const FOLLOW_UP = iso(240);

export type Group =
  | 'compensation_full'
  | 'compensation_partial'
  | 'partial_and_certificate'
  | 'certificate'
  | 'care'
  | 'incapacity'
  | 'suspected';

export interface Person {
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

export interface KaosamScenario {
  kommun: TestParty;
  region: TestParty;
  fk: TestParty;
  af: TestParty;
  forbund: TestParty;
  /** Access tokens by party id: the agencies' for publishing, the förbund's with `metrics:read`. */
  tokens: Record<string, string>;
  people: Person[];
}

/** Builds the scenario through the gateway's public API, as the four agencies would. */
export async function seedKaosam(gateway: TestGateway): Promise<KaosamScenario> {
  const people = population();
  const tokens: Record<string, string> = {};
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

  const db = gateway.database.db;
  const kommun = await createTestParty(db, 'kommun');
  const region = await createTestParty(db, 'region');
  const fk = await createTestParty(db, 'fk');
  const af = await createTestParty(db, 'af');
  const forbund = await createTestParty(db, 'forbund', { memberIds: [kommun.id, region.id, fk.id, af.id] });
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
  return { kommun, region, fk, af, forbund, tokens, people };
}
