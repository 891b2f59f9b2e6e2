import { randomUUID } from 'node:crypto';
import { auditLog, consents } from '@samsyn/db';
import { createTestConsent, exampleStatusEvent, testPersonnummer } from '@samsyn/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseListSchema, CaseSchema, ForumMeetingSchema, ForumSchema } from '../src/schemas';
import {
  anonymisedCase,
  type CaseView,
  callMeeting,
  createForum,
  dayMs,
  expectProblem,
  type ForumView,
  instantInDays,
  raiseCase,
  recordConsent,
  startWorld,
  storedCounts,
  type World,
} from './harness';

let world: World;
/** A forum of the kommun (convener), FK and the region, with contact persons Maja Lindqvist, Omar Said, Greta Wiklund. */
let forum: ForumView;
/** A meeting of the forum that was held last week. */
let heldMeetingId: string;

beforeAll(async () => {
  world = await startWorld();
  forum = await createForum(world, [world.kommun, world.fk, world.region]);
  const held = await callMeeting(world, world.kommun, forum.id, { startsAt: instantInDays(-7) });
  heldMeetingId = held.id;
});
afterAll(() => world.close());

const casesPath = () => `/v1/forums/${forum.id}/cases`;

async function auditOf(caseId: string) {
  const rows = await world.gateway.database.db.select().from(auditLog);
  return rows.filter((row) => row.details.caseId === caseId);
}

describe('an anonymised case', () => {
  it('is accepted with its background, waits for the next meeting and carries the warning', async () => {
    const kase = await raiseCase(world, world.kommun, forum.id, anonymisedCase({ addressedTo: world.fk.id }));
    expect(CaseSchema.parse(kase)).toMatchObject({
      forumId: forum.id,
      meetingId: null,
      kind: 'anonymised',
      state: 'awaiting_meeting',
      category: 'sickness_compensation',
      addressedTo: world.fk.id,
      background: {
        ageBand: '55-65',
        sex: 'female',
        household: 'single_no_children',
        assistanceDuration: '6-11',
      },
      person: null,
      consentId: null,
      raisedBy: { party: world.kommun.id },
      advice: [],
      followUp: null,
    });
    expect(kase.warning).toMatch(/personnummer och vanliga namn/);
    // No personal data: nothing for anyone's access log.
    expect(await auditOf(kase.id)).toEqual([]);
    const forumNow = ForumSchema.parse(
      await (await world.call(world.fk, 'GET', `/v1/forums/${forum.id}`)).json(),
    );
    expect(forumNow.waitingCases).toBeGreaterThanOrEqual(1);
    // Every member reads it, anonymised as it is.
    const read = await world.call(world.region, 'GET', `${casesPath()}/${kase.id}`);
    expect(read.status).toBe(200);
    expect(CaseSchema.parse(await read.json()).question).toBe(kase.question);
  });

  it('refuses a question holding a personnummer or samordningsnummer, in any written form, and stores nothing', async () => {
    const personnummer = testPersonnummer();
    const digits = personnummer.replace('-', '');
    const coordination = testPersonnummer({ samordningsnummer: true });
    const forms = [
      `Gäller ${personnummer}, avslag på SA.`,
      `Pnr ${digits.slice(2)} har ansökt om sjukersättning.`,
      `Klienten (${digits.slice(2, 8)}-${digits.slice(8)}) har fått avslag.`,
      `Klienten ${digits.slice(0, 8)} ${digits.slice(8)} har fått avslag.`,
      `Samordningsnummer ${coordination}.`,
    ];
    const before = await storedCounts(world);
    for (const question of forms) {
      const response = await world.call(world.kommun, 'POST', casesPath(), anonymisedCase({ question }));
      const problem = await expectProblem(response, 422, 'personal-data-in-text');
      expect(problem.errors).toEqual([
        {
          location: 'body',
          pointer: '/question',
          detail:
            'contains a personnummer or samordningsnummer: an anonymised case must not identify the person',
        },
      ]);
      const text = JSON.stringify(problem);
      expect(text).not.toContain(digits.slice(2, 8));
      expect(text).not.toContain(coordination.slice(2, 8));
    }
    // A mistyped number still points at someone: refused too, said as what it is.
    const mistyped = `${digits.slice(0, 11)}${(Number(digits[11]) + 1) % 10}`;
    const typo = await expectProblem(
      await world.call(
        world.kommun,
        'POST',
        casesPath(),
        anonymisedCase({ question: `Gäller ${mistyped}.` }),
      ),
      422,
      'personal-data-in-text',
    );
    expect(typo.errors?.[0]?.detail).toMatch(/shaped like a personnummer/);
    expect(await storedCounts(world)).toEqual(before);
  });

  it('refuses names: a common first name with a surname, a “-sson” surname, a contact person’s name', async () => {
    const before = await storedCounts(world);
    const named: Array<[string, RegExp]> = [
      ['Anna Lind har ansökt om sjukersättning två gånger.', /first and last name/],
      ['Hon heter Karin Björk-Ek och bor i Söder.', /first and last name/],
      ['Andersson har fått avslag.', /surname/],
      ['Vi har pratat med omar said om ärendet.', /contact persons/],
    ];
    for (const [question, detail] of named) {
      const problem = await expectProblem(
        await world.call(world.kommun, 'POST', casesPath(), anonymisedCase({ question })),
        422,
        'personal-data-in-text',
      );
      expect(problem.errors?.[0]?.pointer).toBe('/question');
      expect(problem.errors?.[0]?.detail, question).toMatch(detail);
    }
    expect(await storedCounts(world)).toEqual(before);
  });

  it('lets ordinary Swedish through: “Hans läkare”, “per vecka”, the agencies’ names', async () => {
    const kase = await raiseCase(
      world,
      world.kommun,
      forum.id,
      anonymisedCase({
        category: 'medical_certificate',
        question:
          'Hans läkare på vårdcentralen skriver 50 % tre dagar per vecka. Hur läser Försäkringskassan ' +
          'intyget, och räcker DFA-kedjan för en ansökan 2026?',
      }),
    );
    expect(kase.category).toBe('medical_certificate');
  });
});

describe('a named case', () => {
  it('is accepted under a consultation consent naming every member; members read it and the person’s statuses', async () => {
    const personnummer = testPersonnummer();
    const consentId = await recordConsent(world, world.kommun, {
      personnummer,
      parties: [world.kommun.id, world.fk.id, world.region.id],
      categories: ['assistance', 'certificate'],
    });
    const published = await fetch(`${world.gateway.url}/v1/status-events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await world.token(world.kommun)}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify(exampleStatusEvent(personnummer, 'assistance', '2026-01-01')),
    });
    expect(published.status).toBe(201);
    const kase = await raiseCase(world, world.kommun, forum.id, {
      kind: 'named',
      category: 'fk_coordination',
      question: 'Är samordning av rehabiliteringsinsatser aktuell, trots SGI 0?',
      addressedTo: world.fk.id,
      personnummer,
      consentId,
      meetingId: heldMeetingId,
    });
    expect(kase).toMatchObject({
      kind: 'named',
      consentId,
      background: null,
      meetingId: heldMeetingId,
      state: 'discussed',
      person: { personnummer: personnummer.replace('-', '') },
      warning: null,
    });
    expect(await auditOf(kase.id)).toMatchObject([
      {
        action: 'consultation_case.raised',
        partyId: world.kommun.id,
        purpose: 'consultation',
        consentIds: [consentId],
      },
    ]);

    // FK prepares: reads the case (audited) and the person's statuses under the same consent.
    const read = await world.call(world.fk, 'GET', `${casesPath()}/${kase.id}`);
    expect(read.status).toBe(200);
    expect(CaseSchema.parse(await read.json())).toMatchObject({
      question: 'Är samordning av rehabiliteringsinsatser aktuell, trots SGI 0?',
      person: { personnummer: personnummer.replace('-', '') },
    });
    expect((await auditOf(kase.id)).map((row) => [row.action, row.partyId])).toEqual([
      ['consultation_case.raised', world.kommun.id],
      ['consultation_case.read', world.fk.id],
    ]);
    const statuses = await world.call(world.fk, 'POST', '/v1/status-queries', {
      personnummer,
      purpose: 'consultation',
      categories: ['assistance'],
    });
    expect(statuses.status).toBe(200);
    const body = (await statuses.json()) as {
      categories: Array<{ category: string; access: string; statuses: Array<{ party: { id: string } }> }>;
    };
    expect(body.categories).toMatchObject([
      { category: 'assistance', access: 'granted', statuses: [{ party: { id: world.kommun.id } }] },
    ]);
    // Under another purpose the same consent lifts nothing.
    const forSip = await world.call(world.fk, 'POST', '/v1/status-queries', {
      personnummer,
      purpose: 'sip',
      categories: ['assistance'],
    });
    const sipBody = (await forSip.json()) as { categories: Array<{ access: string }> };
    expect(sipBody.categories.every((c) => c.access !== 'granted')).toBe(true);

    // Lists and agendas never show a named case's question.
    const agenda = ForumMeetingSchema.parse(
      await (
        await world.call(world.region, 'GET', `/v1/forums/${forum.id}/meetings/${heldMeetingId}`)
      ).json(),
    );
    const item = agenda.agenda.find((entry) => entry.id === kase.id);
    expect(item).toMatchObject({
      kind: 'named',
      question: null,
      background: null,
      category: 'fk_coordination',
    });
    expect(JSON.stringify(agenda)).not.toContain(personnummer.slice(2, 8));
  });

  it('is refused without the right consent — none, a member missing, another purpose, another person, ended — and stores nothing', async () => {
    const personnummer = testPersonnummer();
    const db = world.gateway.database.db;
    const members = [world.kommun.id, world.fk.id, world.region.id];
    const missingMember = await recordConsent(world, world.kommun, {
      personnummer,
      parties: [world.kommun.id, world.fk.id],
    });
    const otherPurpose = await recordConsent(world, world.kommun, {
      personnummer,
      parties: members,
      purposes: ['sip'],
    });
    const otherPerson = await recordConsent(world, world.kommun, {
      personnummer: testPersonnummer(),
      parties: members,
    });
    const expired = await createTestConsent(db, world.gateway.persons, {
      personnummer,
      parties: members,
      categories: ['assistance'],
      purposes: ['consultation'],
      validFrom: new Date(Date.now() - 30 * dayMs),
      validUntil: new Date(Date.now() - dayMs),
    });
    const revoked = await recordConsent(world, world.kommun, { personnummer, parties: members });
    const revocation = await world.call(world.kommun, 'POST', `/v1/consents/${revoked}/revocation`, {
      reason: 'Personen återkallade samtycket.',
    });
    expect(revocation.status).toBe(200);

    const before = await storedCounts(world);
    const refusals = new Set<string>();
    for (const consentId of [randomUUID(), missingMember, otherPurpose, otherPerson, expired.id, revoked]) {
      const problem = await expectProblem(
        await world.call(world.kommun, 'POST', casesPath(), {
          kind: 'named',
          category: 'other',
          question: 'Hur går vi vidare?',
          personnummer,
          consentId,
        }),
        403,
        'consent-required',
      );
      refusals.add(JSON.stringify({ ...problem, requestId: undefined }));
    }
    // One answer for every kind of refusal: nothing about a consent can be learnt from it.
    expect(refusals.size).toBe(1);
    expect(await storedCounts(world)).toEqual(before);
  });

  it('is refused when the consent ends before the meeting does', async () => {
    const personnummer = testPersonnummer();
    const consentId = await recordConsent(world, world.kommun, {
      personnummer,
      parties: [world.kommun.id, world.fk.id, world.region.id],
      validUntil: new Date(Date.now() + 5 * dayMs).toISOString(),
    });
    const later = await callMeeting(world, world.kommun, forum.id, { startsAt: instantInDays(30) });
    const problem = await expectProblem(
      await world.call(world.kommun, 'POST', casesPath(), {
        kind: 'named',
        category: 'other',
        question: 'Hur går vi vidare?',
        personnummer,
        consentId,
        meetingId: later.id,
      }),
      403,
      'consent-required',
    );
    expect(problem.detail).toMatch(/before the meeting does/);
  });

  it('refuses a personnummer in a named case’s question: it travels in its own field', async () => {
    const personnummer = testPersonnummer();
    const consentId = await recordConsent(world, world.kommun, {
      personnummer,
      parties: [world.kommun.id, world.fk.id, world.region.id],
    });
    await expectProblem(
      await world.call(world.kommun, 'POST', casesPath(), {
        kind: 'named',
        category: 'other',
        question: `Gäller ${personnummer}.`,
        personnummer,
        consentId,
      }),
      422,
      'personal-data-in-text',
    );
  });

  it('disappears for every member once the consent is withdrawn', async () => {
    const personnummer = testPersonnummer();
    const consentId = await recordConsent(world, world.kommun, {
      personnummer,
      parties: [world.kommun.id, world.fk.id, world.region.id],
    });
    const kase = await raiseCase(world, world.kommun, forum.id, {
      kind: 'named',
      category: 'work_ability',
      question: 'Hur bedöms arbetsförmågan?',
      personnummer,
      consentId,
      meetingId: heldMeetingId,
    });
    await world.gateway.database.db
      .update(consents)
      .set({
        revokedAt: new Date(Date.now() - 1000),
        revokedByParty: world.kommun.id,
        revokedByOfficer: 'o',
        revocationReason: 'Återkallat.',
      })
      .where(eq(consents.id, consentId));
    for (const member of [world.kommun, world.fk, world.region]) {
      await expectProblem(await world.call(member, 'GET', `${casesPath()}/${kase.id}`), 404, 'not-found');
    }
    await expectProblem(
      await world.call(world.fk, 'POST', `${casesPath()}/${kase.id}/answers`, {
        advice: 'Ansök om samordning.',
      }),
      404,
      'not-found',
    );
  });
});

describe('advice and follow-up', () => {
  let kase: CaseView;
  beforeAll(async () => {
    kase = await raiseCase(world, world.kommun, forum.id, anonymisedCase({ meetingId: heldMeetingId }));
  });

  it('takes advice from another member once the meeting has started, one per party', async () => {
    await expectProblem(
      await world.call(world.kommun, 'POST', `${casesPath()}/${kase.id}/answers`, { advice: 'Själv?' }),
      403,
      'role-required',
    );
    const first = await world.call(world.fk, 'POST', `${casesPath()}/${kase.id}/answers`, {
      advice: 'Begär ett aktuellt läkarintyg innan ny ansökan.',
    });
    expect(first.status).toBe(201);
    const again = await world.call(world.fk, 'POST', `${casesPath()}/${kase.id}/answers`, {
      advice: 'Begär ett aktuellt läkarintyg från psykiatrin innan ny ansökan.',
    });
    const answered = CaseSchema.parse(await again.json());
    expect(answered.state).toBe('advised');
    expect(answered.advice).toMatchObject([
      { party: world.fk.id, advice: 'Begär ett aktuellt läkarintyg från psykiatrin innan ny ansökan.' },
    ]);
    const named = await expectProblem(
      await world.call(world.region, 'POST', `${casesPath()}/${kase.id}/answers`, {
        advice: 'Kontakta Eva Holm på vårdcentralen.',
      }),
      422,
      'personal-data-in-text',
    );
    expect(named.errors?.[0]?.pointer).toBe('/advice');
  });

  it('refuses advice before the meeting has started', async () => {
    const waiting = await raiseCase(world, world.kommun, forum.id, anonymisedCase());
    const problem = await expectProblem(
      await world.call(world.fk, 'POST', `${casesPath()}/${waiting.id}/answers`, { advice: 'Vänta.' }),
      409,
      'state-conflict',
    );
    expect(problem.detail).toMatch(/meeting has started/);
  });

  it('takes the follow-up from the raising party only, after the advice', async () => {
    const unanswered = await raiseCase(
      world,
      world.kommun,
      forum.id,
      anonymisedCase({ meetingId: heldMeetingId }),
    );
    await expectProblem(
      await world.call(world.kommun, 'POST', `${casesPath()}/${unanswered.id}/follow-ups`, {
        adviceFollowed: true,
      }),
      409,
      'state-conflict',
    );
    await expectProblem(
      await world.call(world.fk, 'POST', `${casesPath()}/${kase.id}/follow-ups`, { adviceFollowed: true }),
      403,
      'role-required',
    );
    const recorded = await world.call(world.kommun, 'POST', `${casesPath()}/${kase.id}/follow-ups`, {
      adviceFollowed: true,
      nextSteps: ['fk_coordination_applied', 'sip_called'],
      note: 'Intyg begärt, samordning sökt.',
    });
    expect(recorded.status).toBe(200);
    const view = CaseSchema.parse(await recorded.json());
    expect(view).toMatchObject({
      state: 'followed_up',
      followUp: {
        adviceFollowed: true,
        nextSteps: ['fk_coordination_applied', 'sip_called'],
        note: 'Intyg begärt, samordning sökt.',
        recordedBy: `${world.kommun.id}-officer`,
      },
    });
    await expectProblem(
      await world.call(world.kommun, 'POST', `${casesPath()}/${kase.id}/follow-ups`, {
        adviceFollowed: false,
        nextSteps: ['other', 'other'],
      }),
      422,
      'validation-failed',
    );
    const mine = CaseListSchema.parse(
      await (
        await world.call(world.kommun, 'GET', `${casesPath()}?raisedByMe=true&awaitingFollowUp=true`)
      ).json(),
    );
    expect(mine.cases.map((c) => c.id)).not.toContain(kase.id);
  });

  it('lets the raising party withdraw a case before its meeting, and erases it', async () => {
    const waiting = await raiseCase(world, world.kommun, forum.id, anonymisedCase({ category: 'other' }));
    await expectProblem(
      await world.call(world.fk, 'DELETE', `${casesPath()}/${waiting.id}`),
      403,
      'role-required',
    );
    expect((await world.call(world.kommun, 'DELETE', `${casesPath()}/${waiting.id}`)).status).toBe(204);
    await expectProblem(
      await world.call(world.kommun, 'GET', `${casesPath()}/${waiting.id}`),
      404,
      'not-found',
    );
    await expectProblem(
      await world.call(world.kommun, 'DELETE', `${casesPath()}/${kase.id}`),
      409,
      'state-conflict',
    );
  });
});

describe('who sees what', () => {
  it('hides a forum’s cases from parties outside it, as if they did not exist', async () => {
    const kase = await raiseCase(world, world.kommun, forum.id, anonymisedCase());
    for (const outsider of [world.af, world.kommun2]) {
      await expectProblem(await world.call(outsider, 'GET', `${casesPath()}/${kase.id}`), 404, 'not-found');
      await expectProblem(await world.call(outsider, 'GET', casesPath()), 404, 'not-found');
      await expectProblem(
        await world.call(outsider, 'POST', casesPath(), anonymisedCase()),
        404,
        'not-found',
      );
    }
  });
});

describe('malformed input', () => {
  it('is answered with a problem, never a 500, and stores nothing', async () => {
    const before = await storedCounts(world);
    const kase = await raiseCase(world, world.kommun, forum.id, anonymisedCase({ meetingId: heldMeetingId }));
    const afterRaise = await storedCounts(world);
    const bodies: Array<[string, string, unknown]> = [
      ['POST', casesPath(), { kind: 'other' }],
      ['POST', casesPath(), anonymisedCase({ ageBand: '0-17' })],
      ['POST', casesPath(), anonymisedCase({ question: 'x'.repeat(4001) })],
      ['POST', casesPath(), anonymisedCase({ question: '   ' })],
      ['POST', casesPath(), anonymisedCase({ meetingId: 'not-a-uuid' })],
      ['POST', casesPath(), anonymisedCase({ meetingId: randomUUID() })],
      ['POST', casesPath(), anonymisedCase({ addressedTo: world.af.id })],
      ['POST', casesPath(), anonymisedCase({ addressedTo: world.kommun.id })],
      ['POST', casesPath(), anonymisedCase({ personnummer: testPersonnummer() })],
      [
        'POST',
        casesPath(),
        { ...anonymisedCase(), kind: 'named', personnummer: '19850412-1234', consentId: randomUUID() },
      ],
      ['POST', casesPath(), [anonymisedCase()]],
      ['POST', `/v1/forums/${forum.id}/meetings`, { startsAt: 'tomorrow' }],
      [
        'POST',
        `/v1/forums/${forum.id}/meetings`,
        { startsAt: instantInDays(2), place: null, videoLink: null },
      ],
      ['PATCH', `/v1/forums/${forum.id}`, {}],
      ['POST', `${casesPath()}/${kase.id}/answers`, { advice: 42 }],
      ['POST', `${casesPath()}/${kase.id}/follow-ups`, { adviceFollowed: 'ja' }],
      [
        'POST',
        `${casesPath()}/${kase.id}/follow-ups`,
        { adviceFollowed: true, nextSteps: ['sip_called', 'x'] },
      ],
    ];
    for (const [method, path, body] of bodies) {
      const response = await world.call(world.kommun, method, path, body);
      expect(
        response.status,
        `${method} ${path} ${JSON.stringify(body).slice(0, 80)}`,
      ).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    for (const query of ['limit=0', 'raisedByMe=yes', 'meetingId=x', 'page=-1']) {
      const response = await world.call(world.kommun, 'GET', `${casesPath()}?${query}`);
      await expectProblem(response, 422, 'validation-failed');
    }
    for (const query of ['from=2016-13-01&to=2016-12-31', 'from=1990-01-01&to=2016-12-31', 'to=2016-12-31']) {
      const response = await world.call(world.forbund, 'GET', `/v1/metrics/consultations?${query}`);
      await expectProblem(response, 422, 'validation-failed');
    }
    expect(afterRaise.cases).toBe((before.cases ?? 0) + 1);
    expect(await storedCounts(world)).toEqual(afterRaise);
  });
});
