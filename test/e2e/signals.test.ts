import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgencyName,
  callApi,
  day,
  expectCleared,
  expectNothingFor,
  expectRaised,
  newPerson,
  publish,
  recordConsent,
  type SignalWorld,
  setThresholds,
  signalsOf,
  snapshotListed,
  startSignalWorld,
} from './signals-harness';

/**
 * The acceptance of issue 11, per rule: the situation built through the public API raises a signal
 * that reaches the right party's webhook and reads back through `GET /v1/signals`; the same without
 * the consent the rule needs raises nothing, sends nothing and reads nothing; and the signal clears,
 * with a webhook, when the situation does. Evaluation runs only when a test asks (`runPass`), so
 * "nothing" is known to be the outcome of an evaluation, not of one not having run yet.
 */
let world: SignalWorld;

beforeAll(async () => {
  world = await startSignalWorld();
  // The förbund of the kommun makes the time conditions due at once, so no test waits for days.
  await setThresholds(world, 'passive-sick-listing', { months: 1 });
  await setThresholds(world, 'incapacity-without-care', { days: 1 });
  await setThresholds(world, 'sgi-zero-without-coordination', { graceDays: 0 });
  await setThresholds(world, 'impediment-without-certificate', { graceDays: 0 });
  await setThresholds(world, 'rejected-compensation-without-plan', { days: 1 });
  await setThresholds(world, 'sip-follow-up-missed', { graceDays: 0 });
});
afterAll(() => world.close());

const certificate = (validFrom: string, validUntil: string, effectiveDate = validFrom) => ({
  category: 'certificate' as const,
  kind: 'issued',
  effectiveDate,
  data: { validFrom, validUntil, extentPercent: 100, issuerKind: 'psychiatry', dfaChainComplete: true },
});

type ConsentTerms = Omit<Parameters<typeof recordConsent>[1], 'personnummer'>;

/** A rule's case: how to build it for a person, and how to make it clear. */
interface Case {
  rule: string;
  informs: AgencyName[];
  consent: ConsentTerms;
  /** The same consent short of what the rule needs. */
  lacking: ConsentTerms;
  build: (personnummer: string) => Promise<void>;
  clear: (personnummer: string) => Promise<void>;
}

const cases: Case[] = [
  {
    rule: 'passive-sick-listing',
    informs: ['kommun', 'region'],
    consent: {
      parties: ['kommun', 'region', 'fk'],
      categories: ['certificate', 'coordination'],
      purposes: ['coordination'],
    },
    lacking: { parties: ['kommun', 'region', 'fk'], categories: ['certificate'], purposes: ['coordination'] },
    build: async (personnummer) => {
      // Renewed: two certificates back to back, from 70 days ago to three weeks ahead.
      await publish(world, 'region', { personnummer, ...certificate(day(-70), day(-31)) });
      await publish(world, 'region', { personnummer, ...certificate(day(-30), day(21)) });
    },
    clear: async (personnummer) => {
      await publish(world, 'fk', {
        personnummer,
        category: 'coordination',
        kind: 'status',
        effectiveDate: day(0),
        data: {
          samordning: 'applied',
          reinforcedCooperation: false,
          jointMapping: false,
          raisedBy: 'kommun',
        },
      });
    },
  },
  {
    rule: 'incapacity-without-care',
    informs: ['kommun', 'region'],
    consent: {
      parties: ['kommun', 'region'],
      categories: ['incapacity', 'care'],
      purposes: ['coordination'],
    },
    lacking: { parties: ['kommun', 'region'], categories: ['incapacity'], purposes: ['coordination'] },
    build: async (personnummer) => {
      await publish(world, 'kommun', {
        personnummer,
        category: 'incapacity',
        kind: 'reported_without_care_contact',
        effectiveDate: day(-10),
        data: { reportedOn: day(-10) },
      });
    },
    clear: async (personnummer) => {
      await publish(world, 'region', {
        personnummer,
        category: 'care',
        kind: 'in_contact',
        effectiveDate: day(0),
        data: { setting: 'primary_care', rehabCoordinator: false, since: day(0) },
      });
    },
  },
  {
    rule: 'sgi-zero-without-coordination',
    informs: ['fk'],
    consent: {
      parties: ['kommun', 'region', 'fk'],
      categories: ['insurance', 'certificate', 'assistance', 'coordination'],
      purposes: ['coordination'],
    },
    lacking: {
      parties: ['kommun', 'region', 'fk'],
      categories: ['insurance', 'certificate', 'coordination'],
      purposes: ['coordination'],
    },
    build: async (personnummer) => {
      await publish(world, 'fk', {
        personnummer,
        category: 'insurance',
        kind: 'status',
        effectiveDate: day(-20),
        data: {
          sgi: 'zero',
          sicknessBenefit: false,
          compensation: null,
          pendingApplication: null,
          lastDecision: null,
        },
      });
      await publish(world, 'region', { personnummer, ...certificate(day(-20), day(40)) });
      await publish(world, 'kommun', {
        personnummer,
        category: 'assistance',
        kind: 'active',
        effectiveDate: day(-400),
        data: { extent: 'full', since: day(-400), obstacle: 'sick_with_certificate' },
      });
    },
    clear: async (personnummer) => {
      await publish(world, 'fk', {
        personnummer,
        category: 'coordination',
        kind: 'status',
        effectiveDate: day(0),
        data: { samordning: 'applied', reinforcedCooperation: false, jointMapping: false, raisedBy: 'fk' },
      });
    },
  },
  {
    rule: 'impediment-without-certificate',
    informs: ['kommun', 'af'],
    consent: {
      parties: ['kommun', 'region', 'af'],
      categories: ['employment', 'certificate'],
      purposes: ['coordination'],
    },
    lacking: { parties: ['kommun', 'region', 'af'], categories: ['employment'], purposes: ['coordination'] },
    build: async (personnummer) => {
      await publish(world, 'af', {
        personnummer,
        category: 'employment',
        kind: 'registered',
        effectiveDate: day(-20),
        data: {
          activelySeeking: false,
          withImpediment: true,
          programme: null,
          activitySupport: false,
          since: day(-20),
        },
      });
    },
    clear: async (personnummer) => {
      await publish(world, 'region', { personnummer, ...certificate(day(-1), day(60)) });
    },
  },
  {
    rule: 'rejected-compensation-without-plan',
    informs: ['kommun'],
    consent: { parties: ['kommun', 'fk'], categories: ['insurance', 'planning'], purposes: ['coordination'] },
    lacking: { parties: ['kommun', 'fk'], categories: ['insurance', 'planning'], purposes: ['sip'] },
    build: async (personnummer) => {
      await publish(world, 'fk', {
        personnummer,
        category: 'insurance',
        kind: 'status',
        effectiveDate: day(-20),
        data: {
          sgi: 'unknown',
          sicknessBenefit: false,
          compensation: null,
          pendingApplication: null,
          lastDecision: { benefit: 'sickness_compensation', outcome: 'rejected', decidedOn: day(-20) },
        },
      });
    },
    clear: async (personnummer) => {
      await publish(world, 'kommun', {
        personnummer,
        category: 'planning',
        kind: 'plan_active',
        effectiveDate: day(0),
        data: { needGroup: 'AM3', activity: 'mapping', since: day(0) },
      });
    },
  },
  {
    rule: 'certificate-expiring-under-plan',
    informs: ['region', 'kommun'],
    consent: {
      parties: ['kommun', 'region'],
      categories: ['certificate', 'planning'],
      purposes: ['coordination'],
    },
    lacking: { parties: ['kommun', 'region'], categories: ['certificate'], purposes: ['coordination'] },
    build: async (personnummer) => {
      await publish(world, 'region', { personnummer, ...certificate(day(-60), day(5)) });
      await publish(world, 'kommun', {
        personnummer,
        category: 'planning',
        kind: 'plan_active',
        effectiveDate: day(-30),
        data: { activity: 'work_oriented_rehabilitation', since: day(-30) },
      });
    },
    clear: async (personnummer) => {
      // The region renews: the same sick-listing, now valid for three months more.
      await publish(world, 'region', { personnummer, ...certificate(day(-60), day(90), day(0)) });
    },
  },
];

for (const c of cases) {
  describe(c.rule, () => {
    const personnummer = newPerson();
    let raised: Array<{ to: AgencyName; id: string }> = [];

    it(`reaches ${c.informs.join(' and ')} by webhook, and reads back through GET /v1/signals`, async () => {
      await recordConsent(world, { personnummer, ...c.consent });
      await c.build(personnummer);
      await world.runPass();
      raised = [];
      for (const to of c.informs)
        raised.push({ to, id: await expectRaised(world, personnummer, c.rule, to) });
      // Nobody else hears of it.
      for (const other of ['kommun', 'region', 'fk', 'af'] as const) {
        if (!c.informs.includes(other))
          expect(await signalsOf(world, personnummer, c.rule, other)).toEqual([]);
      }
      // What was read for each party is in the person's access log, as Samsyn's evaluation for that party.
      const entries = await world.gateway.database.sql<
        Array<{ party_id: string; officer_id: string; purpose: string }>
      >`
        select party_id, officer_id, purpose from audit_log
        where action = 'signal.evaluated' and person_key = (select person_key from signals where id = ${raised[0]?.id ?? ''})`;
      for (const to of c.informs) {
        expect(entries).toContainEqual({
          party_id: world.party[to].id,
          officer_id: 'samsyn:signals',
          purpose: 'coordination',
        });
      }
    });

    it('raises nothing, sends nothing and reads nothing without the consent the rule needs', async () => {
      const other = newPerson();
      await recordConsent(world, { personnummer: other, ...c.lacking });
      await c.build(other);
      const before = await snapshotListed(world);
      await world.runPass();
      await expectNothingFor(world, other, c.rule, before);
    });

    it('clears, with a webhook, when the condition does', async () => {
      await c.clear(personnummer);
      await world.runPass();
      for (const { to, id } of raised) await expectCleared(world, to, id);
    });
  });
}

describe('sip-follow-up-missed', () => {
  const personnummer = newPerson();
  const followUpOn = day(-5);
  let sipId = '';
  const raised: Array<{ to: AgencyName; id: string }> = [];

  async function openSip(person: string, consentId: string) {
    const opened = await callApi(world.gateway, world.token.kommun, 'POST', '/v1/sips', {
      personnummer: person,
      consentId,
      participants: [world.party.kommun.id, world.party.region.id, world.party.fk.id],
      principal: world.party.kommun.id,
      coordinator: { party: world.party.region.id, name: 'Omar Said, rehabkoordinator' },
      needs: ['Samordnade insatser mellan vård och socialtjänst'],
      nextFollowUpOn: followUpOn,
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    return String(opened.body.id);
  }

  it('reaches the principal and the coordinator by webhook when the follow-up date passed without a meeting', async () => {
    const consentId = await recordConsent(world, {
      personnummer,
      parties: ['kommun', 'region', 'fk'],
      categories: ['assistance'],
      purposes: ['sip'],
    });
    sipId = await openSip(personnummer, consentId);
    await world.runPass();
    for (const to of ['kommun', 'region'] as const) {
      const id = await expectRaised(world, personnummer, 'sip-follow-up-missed', to);
      raised.push({ to, id });
      const read = await callApi(world.gateway, world.token[to], 'GET', `/v1/signals/${id}`);
      expect(read.body).toMatchObject({
        rule: { purpose: 'sip' },
        person: { sipId, conditionSince: followUpOn },
      });
    }
    // FK takes part but neither holds the SIP nor coordinates it.
    expect(await signalsOf(world, personnummer, 'sip-follow-up-missed', 'fk')).toEqual([]);
  });

  it('raises nothing once no consent lets the parties share the SIP', async () => {
    const other = newPerson();
    const consentId = await recordConsent(world, {
      personnummer: other,
      parties: ['kommun', 'region', 'fk'],
      categories: ['assistance'],
      purposes: ['sip'],
      validUntil: new Date(Date.now() + 3000).toISOString(),
    });
    await openSip(other, consentId);
    const before = await snapshotListed(world);
    // The consent runs out; the SIP stays open, overdue, with nobody allowed to be told.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    await world.runPass();
    await expectNothingFor(world, other, 'sip-follow-up-missed', before);
  });

  it('clears, with a webhook, when a follow-up meeting is called', async () => {
    const called = await callApi(world.gateway, world.token.kommun, 'POST', `/v1/sips/${sipId}/meetings`, {
      startsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      durationMinutes: 60,
      place: 'Stadshuset, rum 4',
      agenda: ['Uppföljning'],
      participants: [
        { party: world.party.kommun.id, role: 'socialsekreterare', displayName: 'Anna Lind' },
        { party: world.party.region.id, role: 'rehabkoordinator', displayName: 'Omar Said' },
      ],
    });
    expect(called.status, JSON.stringify(called.body)).toBe(201);
    await world.runPass();
    for (const { to, id } of raised) await expectCleared(world, to, id);
  });
});
