import { createTestParty, type TestParty, testPersonnummer } from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsultationFiguresSchema } from '../src/schemas';
import {
  anonymisedCase,
  callMeeting,
  createForum,
  expectNothingRecoverable,
  expectProblem,
  type Figures,
  type ForumView,
  instantInDays,
  raiseCase,
  recordConsent,
  startWorld,
  type World,
} from './harness';

/**
 * A small Utsikt: two consultation teams of a kommun and FK (one with the region too) meet six times
 * over last year's four quarters; 43 cases are raised — most by the kommun, three by FK, five named
 * under consent — answered and followed up, with questions about sickness compensation falling from
 * half in the first quarter to a third in the last. Built through the API; the figures must come
 * back exactly, with small cells suppressed.
 */
const year = new Date().getUTCFullYear() - 1;
const at = (monthDay: string) => `${year}-${monthDay}T08:00:00Z`;

type Category =
  | 'sickness_compensation'
  | 'rehabilitation_need'
  | 'medical_certificate'
  | 'fk_coordination'
  | 'work_ability'
  | 'other';

/** Meetings in order, each with its cases' categories: the flattened list is indexed 0–42 below. */
const plan: Array<{ forum: 'soder' | 'norr'; startsAt: string; categories: Array<[Category, number]> }> = [
  {
    forum: 'soder',
    startsAt: at('02-11'),
    categories: [
      ['sickness_compensation', 4],
      ['rehabilitation_need', 2],
      ['medical_certificate', 1],
    ],
  },
  {
    forum: 'norr',
    startsAt: at('03-18'),
    categories: [
      ['sickness_compensation', 2],
      ['rehabilitation_need', 1],
      ['medical_certificate', 1],
      ['other', 1],
    ],
  },
  {
    forum: 'soder',
    startsAt: at('05-13'),
    categories: [
      ['sickness_compensation', 5],
      ['work_ability', 4],
    ],
  },
  {
    forum: 'soder',
    startsAt: at('09-16'),
    categories: [
      ['sickness_compensation', 2],
      ['rehabilitation_need', 5],
    ],
  },
  {
    forum: 'norr',
    startsAt: at('10-14'),
    categories: [
      ['sickness_compensation', 2],
      ['rehabilitation_need', 2],
      ['fk_coordination', 3],
    ],
  },
  {
    forum: 'soder',
    startsAt: at('11-18'),
    categories: [
      ['sickness_compensation', 3],
      ['rehabilitation_need', 3],
      ['fk_coordination', 2],
    ],
  },
];

/** Which of the 43 cases FK raised, which are named, and what came of each. */
const raisedByFk = new Set([20, 27, 42]);
const named = new Set([0, 1, 35, 36, 37]);
const followed = (i: number): boolean | null => (i <= 27 ? true : i <= 34 ? false : null);
const answered = (i: number) => i <= 38;
const steps = (i: number) => [
  ...(i <= 5 ? ['sip_called'] : []),
  ...(i >= 4 && i <= 11 ? ['fk_coordination_applied'] : []),
  ...(i >= 28 && i <= 30 ? ['compensation_applied'] : []),
];

let world: World;
let soder: ForumView;
let norr: ForumView;
/** A second förbund with a forum of its own, for isolation and for a quarter hidden by complement. */
let otherForbund: TestParty;
/** The named cases' people, to look for in the figures. */
const people: string[] = [];

async function figures(party: TestParty, query: string): Promise<Figures> {
  const response = await world.call(party, 'GET', `/v1/metrics/consultations?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  const body = ConsultationFiguresSchema.parse(await response.json());
  expectNothingRecoverable(body);
  return body;
}

function table(body: Figures, key: string) {
  const found = body.tables.find((t) => t.key === key);
  if (!found) throw new Error(`no table ${key}`);
  return { total: found.total, cells: Object.fromEntries(found.cells.map((c) => [c.key, c.count])) };
}

beforeAll(async () => {
  world = await startWorld();
  const { kommun, fk, region } = world;
  soder = await createForum(world, [kommun, fk], { name: 'Konsultationsteam Söder' });
  norr = await createForum(world, [kommun, fk, region], { name: 'Konsultationsteam Norr' });
  const forums = { soder, norr };

  let i = 0;
  for (const meeting of plan) {
    const forum = forums[meeting.forum];
    const called = await callMeeting(world, kommun, forum.id, { startsAt: meeting.startsAt });
    for (const [category, n] of meeting.categories) {
      for (let k = 0; k < n; k++, i++) {
        const raiser = raisedByFk.has(i) ? fk : kommun;
        let body: Record<string, unknown>;
        if (named.has(i)) {
          const personnummer = testPersonnummer();
          people.push(personnummer);
          const consentId = await recordConsent(world, kommun, {
            personnummer,
            parties: forum.members.map((m) => m.party),
          });
          body = { kind: 'named', category, question: 'Hur går vi vidare?', personnummer, consentId };
        } else {
          body = anonymisedCase({ category, question: 'Hur går vi vidare med rehabiliteringen?' });
        }
        const kase = await raiseCase(world, raiser, forum.id, { ...body, meetingId: called.id });
        const answerer = raiser === fk ? kommun : fk;
        const casePath = `/v1/forums/${forum.id}/cases/${kase.id}`;
        if (answered(i)) {
          const answer = await world.call(answerer, 'POST', `${casePath}/answers`, {
            advice: 'Komplettera med aktuellt medicinskt underlag och pröva rehabiliteringen först.',
          });
          expect(answer.status).toBe(201);
        }
        const adviceFollowed = followed(i);
        if (adviceFollowed !== null) {
          const recorded = await world.call(raiser, 'POST', `${casePath}/follow-ups`, {
            adviceFollowed,
            nextSteps: steps(i),
          });
          expect(recorded.status).toBe(200);
        }
      }
    }
  }
  expect(i).toBe(43);

  // What must not count: a case for a meeting still ahead, and one on a meeting recorded by mistake
  // and cancelled (its case waits for the next meeting).
  const ahead = await callMeeting(world, kommun, soder.id, { startsAt: instantInDays(20) });
  await raiseCase(world, kommun, soder.id, anonymisedCase({ meetingId: ahead.id }));
  const mistaken = await callMeeting(world, kommun, norr.id, { startsAt: at('06-10') });
  await raiseCase(world, kommun, norr.id, anonymisedCase({ meetingId: mistaken.id }));
  const cancelled = await world.call(
    kommun,
    'POST',
    `/v1/forums/${norr.id}/meetings/${mistaken.id}/cancellations`,
    {
      reason: 'Registrerat av misstag.',
    },
  );
  expect(cancelled.status).toBe(200);

  // Another förbund: 3 cases in its first quarter, 6 in its second.
  const db = world.gateway.database.db;
  const kommun3 = await createTestParty(db, 'kommun');
  otherForbund = await createTestParty(db, 'forbund', { memberIds: [kommun3.id] });
  const other = await createForum(world, [kommun3, fk], { forbund: otherForbund.id, name: 'Arena' });
  for (const [startsAt, n] of [
    [at('01-20'), 3],
    [at('04-22'), 6],
  ] as const) {
    const meeting = await callMeeting(world, kommun3, other.id, { startsAt });
    for (let k = 0; k < n; k++) {
      await raiseCase(
        world,
        kommun3,
        other.id,
        anonymisedCase({ category: 'work_ability', meetingId: meeting.id }),
      );
    }
  }
}, 120_000);
afterAll(() => world.close());

describe('the förbund’s consultation figures', () => {
  let body: Figures;
  beforeAll(async () => {
    body = await figures(world.forbund, `from=${year}-01-15&to=${year}-12-01`);
  });

  it('cover whole quarters, six meetings held and 43 cases', () => {
    expect(body).toMatchObject({
      forbund: world.forbund.id,
      kommuner: [],
      from: `${year}-01-01`,
      to: `${year}-12-31`,
      threshold: 5,
      meetingsHeld: 6,
      casesPerMeeting: 7.2,
    });
    expect(table(body, 'cases_by_forum')).toEqual({ total: 43, cells: { [norr.id]: 12, [soder.id]: 31 } });
    expect(table(body, 'cases_by_quarter')).toEqual({
      total: 43,
      cells: { [`${year}_q1`]: 12, [`${year}_q2`]: 9, [`${year}_q3`]: 7, [`${year}_q4`]: 15 },
    });
  });

  it('show questions about sickness compensation falling from a half to a third', () => {
    const first = body.tables.find((t) => t.key === `categories_${year}_q1`);
    const last = body.tables.find((t) => t.key === `categories_${year}_q4`);
    expect(first?.cells.find((c) => c.key === 'sickness_compensation')?.share).toBe(0.5);
    expect(last?.cells.find((c) => c.key === 'sickness_compensation')?.share).toBeCloseTo(1 / 3, 10);
    expect(table(body, `categories_${year}_q1`)).toEqual({
      total: 12,
      cells: {
        sickness_compensation: 6,
        rehabilitation_need: null,
        medical_certificate: null,
        fk_coordination: 0,
        work_ability: 0,
        other: null,
      },
    });
    // Four questions on work ability would be told by the total: the other cell hides too.
    expect(table(body, `categories_${year}_q2`)).toEqual({
      total: 9,
      cells: {
        sickness_compensation: null,
        rehabilitation_need: 0,
        medical_certificate: 0,
        fk_coordination: 0,
        work_ability: null,
        other: 0,
      },
    });
    expect(table(body, `categories_${year}_q3`).cells).toMatchObject({
      sickness_compensation: null,
      rehabilitation_need: null,
    });
    expect(table(body, `categories_${year}_q4`)).toEqual({
      total: 15,
      cells: {
        sickness_compensation: 5,
        rehabilitation_need: 5,
        medical_certificate: 0,
        fk_coordination: 5,
        work_ability: 0,
        other: 0,
      },
    });
  });

  it('hide FK’s three cases, and the kommun’s forty with them, as the total would tell', () => {
    expect(table(body, 'cases_by_raising_party')).toEqual({
      total: 43,
      cells: { kommun: null, region: 0, fk: null, af: 0 },
    });
    const cells = body.tables.find((t) => t.key === 'cases_by_raising_party')?.cells ?? [];
    expect(cells.filter((c) => c.suppressed).map((c) => c.key)).toEqual(['kommun', 'fk']);
  });

  it('count named against anonymised, advice followed and the next steps', () => {
    expect(table(body, 'cases_by_kind')).toEqual({ total: 43, cells: { anonymised: 38, named: 5 } });
    expect(table(body, 'advice_followed')).toEqual({
      total: 43,
      cells: { yes: 28, no: 7, not_recorded: 8 },
    });
    const followedShare = body.tables
      .find((t) => t.key === 'advice_followed')
      ?.cells.find((c) => c.key === 'yes');
    expect(followedShare?.share).toBeCloseTo(28 / 43, 10);
    expect(table(body, 'next_steps')).toEqual({
      total: 43,
      cells: { sip_called: 6, fk_coordination_applied: 8, compensation_applied: null, other: 0 },
    });
  });

  it('come as CSV too, one line per cell, hidden cells empty', async () => {
    const response = await fetch(
      `${world.gateway.url}/v1/metrics/consultations?from=${year}-01-01&to=${year}-12-31`,
      { headers: { authorization: `Bearer ${await world.token(world.forbund)}`, accept: 'text/csv' } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await response.text()).trim().split('\n');
    expect(lines[0]).toBe('table,title,cell,label,count,share');
    expect(lines).toContain(
      'cases_by_raising_party,"Ärenden efter vem som tog upp dem",fk,"Försäkringskassan",,',
    );
    expect(lines).toContain(
      'cases_by_kind,"Avidentifierade ärenden och ärenden med samtycke",total,"Totalt",43,',
    );
  });

  it('hold no personal data: no personnummer, person key or question text', () => {
    const text = JSON.stringify(body);
    expect(people).toHaveLength(5);
    for (const personnummer of people) {
      expect(text).not.toContain(personnummer.replace('-', '').slice(2));
      expect(text).not.toContain(world.gateway.persons.keyOf(personnummer.replace('-', '')));
    }
    expect(text).not.toContain('Hur går vi vidare');
  });
});

describe('who reads which figures', () => {
  it('gives a member kommun its own cases only', async () => {
    const own = await figures(world.kommun, `from=${year}-01-01&to=${year}-12-31`);
    expect(own).toMatchObject({ forbund: world.forbund.id, kommuner: [world.kommun.id], meetingsHeld: 6 });
    expect(table(own, 'cases_by_raising_party')).toEqual({
      total: 40,
      cells: { kommun: 40, region: 0, fk: 0, af: 0 },
    });
    expect(table(own, 'cases_by_quarter').cells).toEqual({
      [`${year}_q1`]: 12,
      [`${year}_q2`]: 8,
      [`${year}_q3`]: 6,
      [`${year}_q4`]: 14,
    });
    const none = await figures(world.kommun2, `from=${year}-01-01&to=${year}-12-31`);
    expect(none).toMatchObject({ kommuner: [world.kommun2.id], meetingsHeld: 0, casesPerMeeting: null });
    expect(table(none, 'cases_by_forum')).toEqual({ total: 0, cells: {} });
  });

  it('narrows to one quarter when asked for a day in it', async () => {
    const q1 = await figures(world.forbund, `from=${year}-02-11&to=${year}-02-11`);
    expect(q1).toMatchObject({ from: `${year}-01-01`, to: `${year}-03-31`, meetingsHeld: 2 });
    expect(table(q1, 'cases_by_forum')).toEqual({ total: 12, cells: { [norr.id]: 5, [soder.id]: 7 } });
  });

  it('keeps each förbund to its own forums, and hides a quarter’s categories with its hidden count', async () => {
    const other = await figures(otherForbund, `from=${year}-01-01&to=${year}-06-30`);
    expect(other.meetingsHeld).toBe(2);
    expect(table(other, 'cases_by_quarter')).toEqual({
      total: 9,
      cells: { [`${year}_q1`]: null, [`${year}_q2`]: null },
    });
    // The second quarter's six would be told by its categories: they hide with it.
    expect(table(other, `categories_${year}_q2`)).toEqual({
      total: null,
      cells: {
        sickness_compensation: 0,
        rehabilitation_need: 0,
        medical_certificate: 0,
        fk_coordination: 0,
        work_ability: null,
        other: 0,
      },
    });
    expect(table(other, `categories_${year}_q1`).total).toBeNull();
  });

  it('refuses parties that follow no figures, and förbund asking for another’s', async () => {
    for (const party of [world.region, world.fk]) {
      await expectProblem(
        await world.call(party, 'GET', `/v1/metrics/consultations?from=${year}-01-01&to=${year}-12-31`),
        403,
        'insufficient-scope',
      );
    }
    await expectProblem(
      await world.call(
        world.forbund,
        'GET',
        `/v1/metrics/consultations?from=${year}-01-01&to=${year}-12-31&forbund=${otherForbund.id}`,
      ),
      404,
      'not-found',
    );
    await expectProblem(
      await world.call(world.forbund, 'GET', `/v1/metrics/consultations?from=${year}-12-01&to=${year}-01-01`),
      422,
      'validation-failed',
    );
  });
});
