import { createTestConsent, type TestParty, type TestService, testPersonnummer } from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callMeeting,
  dateInDays,
  expectProblem,
  instantInDays,
  meetingBody,
  moveSip,
  openSip,
  openSipBody,
  type Problem,
  type SipView,
  startSip,
  storedState,
  unknownId,
} from './harness';

let svc: TestService;
let kommun: TestParty;
let region: TestParty;
let fk: TestParty;
let af: TestParty;
/** A SIP of kommun, region and fk (the consent names the same three) with one scheduled meeting. */
let world: SipView;
let sipId: string;
let meetingId: string;
/** Invitation ids by party id. */
let invitationOf: Map<string | null, string>;
/** A closed SIP with a cancelled meeting. */
let closed: SipView;

beforeAll(async () => {
  svc = await startSip();
  kommun = await svc.party('kommun');
  region = await svc.party('region');
  fk = await svc.party('fk');
  af = await svc.party('af');
  const opened = await openSip(svc, [kommun, region, fk]);
  world = await callMeeting(svc, kommun, opened.sip.id, [kommun, region, fk]);
  sipId = world.id;
  const [meeting] = world.meetings;
  if (!meeting) throw new Error('no meeting');
  meetingId = meeting.id;
  invitationOf = new Map(meeting.invitations.map((i) => [i.party, i.id]));

  const toClose = await openSip(svc, [kommun, region]);
  await callMeeting(svc, kommun, toClose.sip.id, [kommun, region]);
  closed = await moveSip(svc, kommun, toClose.sip.id, 'closure', 'other');
});
afterAll(() => svc.close());

const invitationFor = (party: TestParty) => {
  const id = invitationOf.get(party.id);
  if (!id) throw new Error(`no invitation for ${party.id}`);
  return id;
};

type Method = 'GET' | 'POST' | 'PATCH';

/**
 * Sends a request and expects a 4xx problem of `type` (and, if given, an error at `pointer`), with
 * every row of the SIP tables — counts, phases, versions, RSVPs, delivery states — unchanged.
 */
async function expectRefused(
  request: { as?: TestParty; method: Method; path: string; body?: unknown; raw?: RequestInit },
  status: number,
  type: string,
  pointer?: string,
): Promise<Problem> {
  const before = await storedState(svc);
  const response = request.raw
    ? await fetch(`${svc.url}${request.path}`, {
        method: request.method,
        ...request.raw,
        headers: {
          authorization: `Bearer ${await svc.tokenFor(request.as ?? kommun)}`,
          ...request.raw.headers,
        },
      })
    : await svc.call(request.as ?? kommun, request.method, request.path, request.body);
  const problem = await expectProblem(response, status, type);
  expect(problem.status).toBe(status);
  if (pointer !== undefined) expect(problem.errors?.map((e) => e.pointer)).toContain(pointer);
  expect(await storedState(svc)).toEqual(before);
  return problem;
}

const personnummerInText = () => `Gäller ${testPersonnummer()} och familjen`;
const tenDigitsInText = () => `Gäller ${testPersonnummer().slice(2)}`;

describe('POST /v1/sips: bad input is a 4xx problem and stores nothing', () => {
  let personnummer: string;
  let consentId: string;
  beforeAll(async () => {
    personnummer = testPersonnummer();
    const consent = await createTestConsent(svc.database.db, svc.deps.persons, {
      personnummer,
      parties: [kommun.id, region.id, fk.id, af.id],
      categories: ['care'],
      purposes: ['sip'],
    });
    consentId = consent.id;
  });
  const valid = () => openSipBody(personnummer, consentId, [kommun, region, fk]);
  const withGoal = (goal: Record<string, unknown>) => ({
    ...valid(),
    goals: [{ ...valid().goals[0], ...goal }],
  });
  const withAction = (action: Record<string, unknown>) => ({
    ...valid(),
    actions: [{ ...valid().actions[0], ...action }],
  });
  const open = (body: unknown, pointer: string | undefined, type = 'validation-failed') =>
    expectRefused({ method: 'POST', path: '/v1/sips', body }, 422, type, pointer);

  it('a valid body is accepted (the cases below differ from it in one thing)', async () => {
    const response = await svc.call(kommun, 'POST', '/v1/sips', valid());
    expect(response.status).toBe(201);
  });

  const cases: Array<[string, () => unknown, string | undefined, string?]> = [
    ['a missing personnummer', () => ({ ...valid(), personnummer: undefined }), '/personnummer'],
    ['a missing consentId', () => ({ ...valid(), consentId: undefined }), '/consentId'],
    ['missing participants', () => ({ ...valid(), participants: undefined }), '/participants'],
    ['a missing principal', () => ({ ...valid(), principal: undefined }), '/principal'],
    ['a missing coordinator', () => ({ ...valid(), coordinator: undefined }), '/coordinator'],
    ['missing needs', () => ({ ...valid(), needs: undefined }), '/needs'],
    ['an extra field', () => ({ ...valid(), name: 'Anna Andersson' }), ''],
    ['an extra field in a goal', () => withGoal({ note: 'x' }), '/goals/0'],
    ['an extra field in an action', () => withAction({ owner: 'x' }), '/actions/0'],
    [
      'an extra field in the coordinator',
      () => ({ ...valid(), coordinator: { party: kommun.id, name: 'Anna', phone: '08-123' } }),
      '/coordinator',
    ],
    ['a personnummer as a number', () => ({ ...valid(), personnummer: 198112189876 }), '/personnummer'],
    ['a consentId as a number', () => ({ ...valid(), consentId: 42 }), '/consentId'],
    ['a consentId that is not a uuid', () => ({ ...valid(), consentId: 'consent-1' }), '/consentId'],
    ['participants as a string', () => ({ ...valid(), participants: kommun.id }), '/participants'],
    ['needs as a string', () => ({ ...valid(), needs: 'arbete' }), '/needs'],
    ['no needs', () => ({ ...valid(), needs: [] }), '/needs'],
    ['a blank need', () => ({ ...valid(), needs: ['   '] }), '/needs/0'],
    [
      'acceptedByPerson as a string',
      () => withGoal({ acceptedByPerson: 'yes' }),
      '/goals/0/acceptedByPerson',
    ],
    ['an unknown action status', () => withAction({ status: 'finished' }), '/actions/0/status'],
    ['an action id that is not a uuid', () => withAction({ id: '1' }), '/actions/0/id'],
    [
      'a participant that is not a party id',
      () => ({ ...valid(), participants: [kommun.id, 'kommun:12'] }),
      '/participants/1',
    ],
    ['a body that is an array', () => [valid()], ''],
    [
      'a personnummer with a bad check digit',
      () => ({ ...valid(), personnummer: '19811218-9877' }),
      '/personnummer',
      'invalid-personnummer',
    ],
    [
      'a personnummer with an impossible date',
      () => ({ ...valid(), personnummer: '19810230-1234' }),
      '/personnummer',
      'invalid-personnummer',
    ],
    [
      'a personnummer of 11 digits',
      () => ({ ...valid(), personnummer: '1981121898' }),
      '/personnummer',
      'invalid-personnummer',
    ],
    ['a malformed goal targetDate', () => withGoal({ targetDate: '2026-02-30' }), '/goals/0/targetDate'],
    [
      'a goal targetDate with a time',
      () => withGoal({ targetDate: '2026-05-01T00:00:00Z' }),
      '/goals/0/targetDate',
    ],
    ['a malformed action dueOn', () => withAction({ dueOn: '1 maj 2026' }), '/actions/0/dueOn'],
    ['a malformed nextFollowUpOn', () => ({ ...valid(), nextFollowUpOn: '2026-13-01' }), '/nextFollowUpOn'],
    ['a need holding a personnummer', () => ({ ...valid(), needs: [personnummerInText()] }), '/needs/0'],
    [
      'a goal holding a 10-digit personnummer',
      () => withGoal({ description: tenDigitsInText() }),
      '/goals/0/description',
    ],
    [
      'an action holding a personnummer',
      () => withAction({ description: personnummerInText() }),
      '/actions/0/description',
    ],
    [
      'a coordinator name holding a personnummer',
      () => ({ ...valid(), coordinator: { party: kommun.id, name: personnummerInText() } }),
      '/coordinator/name',
    ],
    ['fk as the principal', () => ({ ...valid(), principal: fk.id }), '/principal'],
    [
      'af as the principal',
      () => ({ ...valid(), principal: 'af', participants: [kommun.id, 'af'] }),
      '/principal',
    ],
    ['a principal that does not take part', () => ({ ...valid(), principal: 'kommun:0001' }), '/principal'],
    [
      'a coordinator that does not take part',
      () => ({ ...valid(), coordinator: { party: 'af', name: 'Arbetsförmedlare' } }),
      '/coordinator/party',
    ],
    [
      'a goal for a party that does not take part',
      () => withGoal({ responsibleParty: 'af' }),
      '/goals/0/responsibleParty',
    ],
    [
      'an action for a party that does not take part',
      () => withAction({ responsibleParty: 'af' }),
      '/actions/0/responsibleParty',
    ],
    [
      'participants without the caller',
      () => ({ ...valid(), participants: [region.id, fk.id] }),
      '/participants',
    ],
    ['one participant', () => ({ ...valid(), participants: [kommun.id] }), '/participants'],
    [
      'fewer than two distinct participants',
      () => ({ ...valid(), participants: [kommun.id, kommun.id], goals: [], actions: [] }),
      '/participants',
    ],
    [
      'more than ten participants',
      () => ({ ...valid(), participants: Array(11).fill(kommun.id) }),
      '/participants',
    ],
  ];
  for (const [name, body, pointer, type] of cases) {
    it(name, async () => {
      await open(body(), pointer, type);
    });
  }

  it('an invalid personnummer is not repeated in the problem', async () => {
    const problem = await open(
      { ...valid(), personnummer: '19811218-9877' },
      '/personnummer',
      'invalid-personnummer',
    );
    expect(JSON.stringify(problem)).not.toContain('9877');
  });

  it('lists every problem in the plan at once', async () => {
    const problem = await open(
      { ...withGoal({ responsibleParty: 'af' }), principal: fk.id, coordinator: { party: 'af', name: 'X' } },
      undefined,
    );
    expect(problem.errors?.map((e) => e.pointer).sort()).toEqual(
      ['/coordinator/party', '/goals/0/responsibleParty', '/principal'].sort(),
    );
  });

  it('a body that is not JSON', async () => {
    await expectRefused(
      {
        method: 'POST',
        path: '/v1/sips',
        raw: { body: '{"personnummer": ', headers: { 'content-type': 'application/json' } },
      },
      400,
      'malformed-request',
    );
  });

  it('a body that is not declared JSON', async () => {
    await expectRefused(
      {
        method: 'POST',
        path: '/v1/sips',
        raw: { body: JSON.stringify(valid()), headers: { 'content-type': 'text/plain' } },
      },
      415,
      'unsupported-media-type',
    );
  });
});

describe('POST /v1/sips: without a consent that covers the SIP it is 403 consent-required and stores nothing', () => {
  const consentFor = (
    personnummer: string,
    options: { parties?: TestParty[]; purposes?: Array<'sip' | 'coordination' | 'follow_up'> } & {
      validFrom?: Date;
      validUntil?: Date;
      revokedAt?: Date;
    } = {},
  ) =>
    createTestConsent(svc.database.db, svc.deps.persons, {
      personnummer,
      parties: (options.parties ?? [kommun, region, fk]).map((p) => p.id),
      categories: ['care'],
      purposes: options.purposes ?? ['sip'],
      ...(options.validFrom ? { validFrom: options.validFrom } : {}),
      ...(options.validUntil ? { validUntil: options.validUntil } : {}),
      ...(options.revokedAt ? { revokedAt: options.revokedAt } : {}),
    });
  const day = 86_400_000;
  const details: string[] = [];
  const refuse = async (personnummer: string, consentId: string, participants = [kommun, region, fk]) => {
    const problem = await expectRefused(
      { method: 'POST', path: '/v1/sips', body: openSipBody(personnummer, consentId, participants) },
      403,
      'consent-required',
    );
    details.push(problem.detail ?? '');
  };

  it('no consent with that id', async () => {
    await refuse(testPersonnummer(), unknownId());
  });

  it('the consent of another person', async () => {
    const consent = await consentFor(testPersonnummer());
    await refuse(testPersonnummer(), consent.id);
  });

  it('an expired consent', async () => {
    const personnummer = testPersonnummer();
    const consent = await consentFor(personnummer, {
      validFrom: new Date(Date.now() - 30 * day),
      validUntil: new Date(Date.now() - day),
    });
    await refuse(personnummer, consent.id);
  });

  it('a consent not yet valid', async () => {
    const personnummer = testPersonnummer();
    const consent = await consentFor(personnummer, {
      validFrom: new Date(Date.now() + day),
      validUntil: new Date(Date.now() + 30 * day),
    });
    await refuse(personnummer, consent.id);
  });

  it('a revoked consent', async () => {
    const personnummer = testPersonnummer();
    const consent = await consentFor(personnummer, { revokedAt: new Date(Date.now() - 60_000) });
    await refuse(personnummer, consent.id);
  });

  it('a consent for another purpose', async () => {
    const personnummer = testPersonnummer();
    const consent = await consentFor(personnummer, { purposes: ['coordination', 'follow_up'] });
    await refuse(personnummer, consent.id);
  });

  it('a participant the consent does not name', async () => {
    const personnummer = testPersonnummer();
    const consent = await consentFor(personnummer, { parties: [kommun, region] });
    await refuse(personnummer, consent.id, [kommun, region, fk]);
  });

  it('a consent that does not name the caller', async () => {
    const personnummer = testPersonnummer();
    const consent = await consentFor(personnummer, { parties: [region, fk] });
    await refuse(personnummer, consent.id, [kommun, region, fk]);
  });

  it('gives the same answer in every case, so a caller learns nothing about the consent', () => {
    expect(details).toHaveLength(8);
    expect(new Set(details).size).toBe(1);
  });
});

describe('GET /v1/sips/{id}', () => {
  it('a malformed id is 422 naming the path parameter', async () => {
    const problem = await expectRefused(
      { method: 'GET', path: '/v1/sips/not-a-uuid' },
      422,
      'validation-failed',
      '/id',
    );
    expect(problem.errors?.[0]?.location).toBe('path');
  });

  it('an unknown id is 404 and nothing is audited', async () => {
    await expectRefused({ method: 'GET', path: `/v1/sips/${unknownId()}` }, 404, 'not-found');
  });
});

describe('PATCH /v1/sips/{id}: bad input is a 4xx problem and stores nothing', () => {
  const patch = (body: unknown, pointer?: string, type = 'validation-failed', status = 422) =>
    expectRefused({ method: 'PATCH', path: `/v1/sips/${sipId}`, body }, status, type, pointer);
  const goal = () => ({ ...world.goals[0] });
  const action = () => ({ ...world.actions[0] });

  const cases: Array<[string, () => unknown, string | undefined]> = [
    ['an empty change', () => ({}), ''],
    ['a field that cannot be revised', () => ({ phase: 'closure' }), ''],
    ['a field that cannot be revised (participants)', () => ({ participants: [kommun.id, 'af'] }), ''],
    ['no needs', () => ({ needs: [] }), '/needs'],
    ['needs that are not a list', () => ({ needs: 'arbete' }), '/needs'],
    ['a need holding a personnummer', () => ({ needs: [personnummerInText()] }), '/needs/0'],
    ['fk as the principal', () => ({ principal: fk.id }), '/principal'],
    ['af as the principal', () => ({ principal: 'af' }), '/principal'],
    ['a principal that does not take part', () => ({ principal: 'region:99' }), '/principal'],
    ['a principal that is not a party id', () => ({ principal: 'Region Skåne' }), '/principal'],
    [
      'a coordinator that does not take part',
      () => ({ coordinator: { party: 'af', name: 'X' } }),
      '/coordinator/party',
    ],
    [
      'a goal for a party that does not take part',
      () => ({ goals: [{ ...goal(), responsibleParty: 'af' }] }),
      '/goals/0/responsibleParty',
    ],
    [
      'a goal with a malformed date',
      () => ({ goals: [{ ...goal(), targetDate: '2026-02-29' }] }),
      '/goals/0/targetDate',
    ],
    [
      'a goal missing its measure',
      () => ({ goals: [{ ...goal(), measure: undefined }] }),
      '/goals/0/measure',
    ],
    [
      'an action for a party that does not take part',
      () => ({ actions: [{ ...action(), responsibleParty: 'af' }] }),
      '/actions/0/responsibleParty',
    ],
    [
      'an action with a wrong type',
      () => ({ actions: [{ ...action(), dueOn: 20260501 }] }),
      '/actions/0/dueOn',
    ],
    ['a malformed nextFollowUpOn', () => ({ nextFollowUpOn: '30/05/2026' }), '/nextFollowUpOn'],
    ['nextFollowUpOn as an instant', () => ({ nextFollowUpOn: '2026-05-30T08:00:00Z' }), '/nextFollowUpOn'],
  ];
  for (const [name, body, pointer] of cases) {
    it(name, async () => {
      await patch(body(), pointer);
    });
  }

  it('a malformed id', async () => {
    await expectRefused(
      { method: 'PATCH', path: '/v1/sips/1234', body: { needs: ['Boende'] } },
      422,
      'validation-failed',
      '/id',
    );
  });

  it('an unknown id', async () => {
    await expectRefused(
      { method: 'PATCH', path: `/v1/sips/${unknownId()}`, body: { needs: ['Boende'] } },
      404,
      'not-found',
    );
  });

  it('a closed SIP cannot be revised (409)', async () => {
    await expectRefused(
      { method: 'PATCH', path: `/v1/sips/${closed.id}`, body: { needs: ['Boende'] } },
      409,
      'illegal-transition',
    );
  });
});

describe('POST /v1/sips/{id}/transitions: bad input and illegal moves store nothing', () => {
  const move = (body: unknown, status: number, type: string, pointer?: string, id = sipId) =>
    expectRefused({ method: 'POST', path: `/v1/sips/${id}/transitions`, body }, status, type, pointer);

  it('an unknown phase, a missing phase, an unknown closure reason, an extra field', async () => {
    await move({ to: 'done' }, 422, 'validation-failed', '/to');
    await move({}, 422, 'validation-failed', '/to');
    await move({ to: 'closure', closureReason: 'bored' }, 422, 'validation-failed', '/closureReason');
    await move({ to: 'meeting', comment: 'x' }, 422, 'validation-failed', '');
    await move({ to: 7 }, 422, 'validation-failed', '/to');
  });

  it('a malformed or unknown id', async () => {
    await move({ to: 'meeting' }, 422, 'validation-failed', '/id', 'abc');
    await move({ to: 'meeting' }, 404, 'not-found', undefined, unknownId());
  });

  it('closure without a reason is 422, a reason without closure is 422', async () => {
    await move({ to: 'closure' }, 422, 'validation-failed', '/closureReason');
    await move({ to: 'meeting', closureReason: 'goal_reached' }, 422, 'validation-failed', '/closureReason');
  });

  it('illegal moves are 409 illegal-transition naming both phases', async () => {
    const { sip } = await openSip(svc, [kommun, region]);
    for (const to of ['follow_up', 'meeting', 'coordination', 'need', 'consent_and_participation']) {
      const problem = await move({ to }, 409, 'illegal-transition', undefined, sip.id);
      expect(problem.detail).toContain(`from consent_and_participation (Samtycke och delaktighet) to ${to}`);
    }
    // From the world SIP, in "invitation and preparation".
    for (const to of ['follow_up', 'coordination', 'invitation_and_preparation', 'need']) {
      const problem = await move({ to }, 409, 'illegal-transition');
      expect(problem.detail).toContain('invitation_and_preparation');
      expect(problem.detail).toContain(` to ${to} `);
    }
  });

  it('an illegal move is reported before a missing closure reason matters', async () => {
    const problem = await move({ to: 'closure' }, 409, 'illegal-transition', undefined, closed.id);
    expect(problem.detail).toContain('from closure (Avslut) to closure');
  });

  it('a closed SIP moves nowhere', async () => {
    for (const to of ['need', 'invitation_and_preparation', 'follow_up']) {
      const problem = await move({ to }, 409, 'illegal-transition', undefined, closed.id);
      expect(problem.detail).toContain(`from closure (Avslut) to ${to}`);
    }
  });
});

describe('POST /v1/sips/{id}/meetings: bad input is a 4xx problem and stores nothing', () => {
  const valid = () => meetingBody([kommun, region, fk]);
  const call = (body: unknown, pointer?: string, status = 422, type = 'validation-failed', id = sipId) =>
    expectRefused({ method: 'POST', path: `/v1/sips/${id}/meetings`, body }, status, type, pointer);

  it('a valid body is accepted (the cases below differ from it in one thing)', async () => {
    const { sip } = await openSip(svc, [kommun, region, fk]);
    const response = await svc.call(kommun, 'POST', `/v1/sips/${sip.id}/meetings`, valid());
    expect(response.status).toBe(201);
  });

  const cases: Array<[string, () => unknown, string | undefined]> = [
    ['a missing startsAt', () => ({ ...valid(), startsAt: undefined }), '/startsAt'],
    ['a missing agenda', () => ({ ...valid(), agenda: undefined }), '/agenda'],
    ['missing participants', () => ({ ...valid(), participants: undefined }), '/participants'],
    ['an extra field', () => ({ ...valid(), room: 'Rum 4' }), ''],
    [
      'an extra field in a participant',
      () => ({ ...valid(), participants: [{ ...valid().participants[0], email: 'a@b.se' }] }),
      '/participants/0',
    ],
    ['neither place nor video link', () => ({ ...valid(), place: null, videoLink: null }), '/place'],
    [
      'neither place nor video link (omitted)',
      () => ({ ...valid(), place: undefined, videoLink: undefined }),
      '/place',
    ],
    ['a blank place and no video link', () => ({ ...valid(), place: ' ', videoLink: null }), '/place'],
    ['an http:// video link', () => ({ ...valid(), videoLink: 'http://video.example.se/m/1' }), '/videoLink'],
    ['a video link that is not a URL', () => ({ ...valid(), videoLink: 'video.example.se' }), '/videoLink'],
    ['a startsAt in the past', () => ({ ...valid(), startsAt: instantInDays(-1) }), '/startsAt'],
    ['a startsAt without an offset', () => ({ ...valid(), startsAt: '2030-12-03T09:00:00' }), '/startsAt'],
    ['a startsAt with a space', () => ({ ...valid(), startsAt: '2030-12-03 09:00' }), '/startsAt'],
    ['a startsAt that is a date', () => ({ ...valid(), startsAt: dateInDays(10) }), '/startsAt'],
    ['an impossible startsAt', () => ({ ...valid(), startsAt: '2030-02-30T09:00:00Z' }), '/startsAt'],
    ['durationMinutes 10', () => ({ ...valid(), durationMinutes: 10 }), '/durationMinutes'],
    ['durationMinutes 500', () => ({ ...valid(), durationMinutes: 500 }), '/durationMinutes'],
    ['durationMinutes 90.5', () => ({ ...valid(), durationMinutes: 90.5 }), '/durationMinutes'],
    ['durationMinutes as a string', () => ({ ...valid(), durationMinutes: '90' }), '/durationMinutes'],
    [
      'interpreterLanguage "Arabic"',
      () => ({ ...valid(), interpreterLanguage: 'Arabic' }),
      '/interpreterLanguage',
    ],
    ['interpreterLanguage "AR"', () => ({ ...valid(), interpreterLanguage: 'AR' }), '/interpreterLanguage'],
    ['an empty agenda', () => ({ ...valid(), agenda: [] }), '/agenda'],
    [
      'an agenda item holding a personnummer',
      () => ({ ...valid(), agenda: [personnummerInText()] }),
      '/agenda/0',
    ],
    ['no participants', () => ({ ...valid(), participants: [] }), '/participants'],
    [
      'a participant that is not a party id',
      () => ({ ...valid(), participants: [{ ...valid().participants[0], party: 'FK' }] }),
      '/participants/0/party',
    ],
    [
      'a participant without a role',
      () => ({ ...valid(), participants: [{ ...valid().participants[0], role: undefined }] }),
      '/participants/0/role',
    ],
    [
      'a display name holding a personnummer',
      () => ({ ...valid(), personDisplayName: tenDigitsInText() }),
      '/personDisplayName',
    ],
  ];
  for (const [name, body, pointer] of cases) {
    it(name, async () => {
      await call(body(), pointer);
    });
  }

  it('a malformed or unknown SIP id', async () => {
    await call(valid(), '/id', 422, 'validation-failed', 'x');
    await call(valid(), undefined, 404, 'not-found', unknownId());
  });

  it('inviting a party the consent does not name is 403 consent-required, naming the participant', async () => {
    const body = {
      ...valid(),
      participants: [...valid().participants, { party: 'af', role: 'arbetsförmedlare', displayName: 'AF' }],
    };
    const problem = await call(body, '/participants/3/party', 403, 'consent-required');
    expect(problem.errors).toHaveLength(1);
  });

  it('inviting a party the consent names but that does not take part in the SIP is 422', async () => {
    const { sip } = await openSip(svc, [kommun, region], {
      consent: { parties: [kommun.id, region.id, af.id] },
    });
    const body = meetingBody([kommun, region, af]);
    await call(body, '/participants/2/party', 422, 'validation-failed', sip.id);
  });

  it('a meeting that ends after the consent does is 403 consent-required', async () => {
    const validUntil = new Date(Date.now() + 5 * 86_400_000);
    const { sip } = await openSip(svc, [kommun, region], { consent: { validUntil } });
    const startsAt = new Date(validUntil.getTime() - 30 * 60_000);
    const problem = await call(
      meetingBody([kommun, region], { startsAt: startsAt.toISOString(), durationMinutes: 60 }),
      undefined,
      403,
      'consent-required',
      sip.id,
    );
    expect(problem.detail).toContain(validUntil.toISOString());
    // One that ends just in time is fine.
    const response = await svc.call(
      kommun,
      'POST',
      `/v1/sips/${sip.id}/meetings`,
      meetingBody([kommun, region], { startsAt: startsAt.toISOString(), durationMinutes: 30 }),
    );
    expect(response.status).toBe(201);
  });

  it('no meeting on a closed SIP (409)', async () => {
    const problem = await call(
      meetingBody([kommun, region]),
      undefined,
      409,
      'illegal-transition',
      closed.id,
    );
    expect(problem.detail).toContain('from closure');
  });

  it('with Prefer: return=minimal a refusal is the same problem and stores nothing', async () => {
    const minimal = (body: unknown): RequestInit => ({
      headers: { 'content-type': 'application/json', prefer: 'return=minimal' },
      body: JSON.stringify(body),
    });
    const refuse = (id: string, body: unknown, status: number, type: string) =>
      expectRefused({ method: 'POST', path: `/v1/sips/${id}/meetings`, raw: minimal(body) }, status, type);
    await refuse(closed.id, meetingBody([kommun, region]), 409, 'illegal-transition');
    await refuse(unknownId(), meetingBody([kommun, region]), 404, 'not-found');
    await refuse(
      sipId,
      meetingBody([kommun, region], { startsAt: instantInDays(-1) }),
      422,
      'validation-failed',
    );
    const { sip } = await openSip(svc, [kommun, region], { consent: { parties: [kommun.id, region.id] } });
    await refuse(sip.id, meetingBody([kommun, region, fk]), 403, 'consent-required');
  });

  it('no meeting while one is under way (phase "meeting")', async () => {
    const { sip } = await openSip(svc, [kommun, region]);
    await moveSip(svc, kommun, sip.id, 'invitation_and_preparation');
    await moveSip(svc, kommun, sip.id, 'meeting');
    const problem = await call(meetingBody([kommun, region]), undefined, 409, 'illegal-transition', sip.id);
    expect(problem.detail).toContain('from meeting');
  });
});

describe('PATCH /v1/sips/{id}/meetings/{meetingId}: bad input is a 4xx problem and stores nothing', () => {
  const change = (body: unknown, pointer?: string, status = 422, type = 'validation-failed', path?: string) =>
    expectRefused(
      { method: 'PATCH', path: path ?? `/v1/sips/${sipId}/meetings/${meetingId}`, body },
      status,
      type,
      pointer,
    );

  const cases: Array<[string, unknown, string | undefined]> = [
    ['an empty change', {}, ''],
    ['a field that cannot be changed', { participants: [] }, ''],
    ['no place and no video link left', { place: null }, '/place'],
    ['an http:// video link', { videoLink: 'http://video.example.se/m/1' }, '/videoLink'],
    ['a startsAt in the past', { startsAt: instantInDays(-0.5) }, '/startsAt'],
    ['a malformed startsAt', { startsAt: '2030-12-03T9:00:00Z' }, '/startsAt'],
    ['durationMinutes 10', { durationMinutes: 10 }, '/durationMinutes'],
    ['durationMinutes 500', { durationMinutes: 500 }, '/durationMinutes'],
    ['interpreterLanguage "Arabic"', { interpreterLanguage: 'Arabic' }, '/interpreterLanguage'],
    ['an empty agenda', { agenda: [] }, '/agenda'],
    ['a place holding a personnummer', { place: personnummerInText() }, '/place'],
  ];
  for (const [name, body, pointer] of cases) {
    it(name, async () => {
      await change(body, pointer);
    });
  }

  it('malformed, unknown and mismatched ids', async () => {
    await change(
      { durationMinutes: 60 },
      '/meetingId',
      422,
      'validation-failed',
      `/v1/sips/${sipId}/meetings/1`,
    );
    await change(
      { durationMinutes: 60 },
      '/id',
      422,
      'validation-failed',
      `/v1/sips/1/meetings/${meetingId}`,
    );
    await change(
      { durationMinutes: 60 },
      undefined,
      404,
      'not-found',
      `/v1/sips/${sipId}/meetings/${unknownId()}`,
    );
    const [closedMeeting] = closed.meetings;
    // A meeting of another SIP is not found under this one.
    await change(
      { durationMinutes: 60 },
      undefined,
      404,
      'not-found',
      `/v1/sips/${sipId}/meetings/${closedMeeting?.id}`,
    );
  });

  it('a cancelled meeting cannot be changed (409)', async () => {
    const [closedMeeting] = closed.meetings;
    await change(
      { durationMinutes: 60 },
      undefined,
      409,
      'illegal-transition',
      `/v1/sips/${closed.id}/meetings/${closedMeeting?.id}`,
    );
  });

  it('moving the meeting past the end of the consent is 403 consent-required', async () => {
    const validUntil = new Date(Date.now() + 5 * 86_400_000);
    const { sip } = await openSip(svc, [kommun, region], { consent: { validUntil } });
    const view = await callMeeting(svc, kommun, sip.id, [kommun, region], { startsAt: instantInDays(2) });
    await change(
      { startsAt: instantInDays(6) },
      undefined,
      403,
      'consent-required',
      `/v1/sips/${sip.id}/meetings/${view.meetings[0]?.id}`,
    );
  });
});

describe('POST /v1/sips/{id}/meetings/{meetingId}/cancellations: bad input stores nothing', () => {
  const cancel = (body: unknown, pointer?: string, status = 422, type = 'validation-failed', path?: string) =>
    expectRefused(
      { method: 'POST', path: path ?? `/v1/sips/${sipId}/meetings/${meetingId}/cancellations`, body },
      status,
      type,
      pointer,
    );

  it('an extra field, a blank reason, a reason with a personnummer, a reason that is not text', async () => {
    await cancel({ reason: 'Sjukdom', notify: false }, '');
    await cancel({ reason: '' }, '/reason');
    await cancel({ reason: personnummerInText() }, '/reason');
    await cancel({ reason: 42 }, '/reason');
  });

  it('malformed and unknown ids', async () => {
    await cancel({}, '/meetingId', 422, 'validation-failed', `/v1/sips/${sipId}/meetings/zzz/cancellations`);
    await cancel({}, '/id', 422, 'validation-failed', `/v1/sips/zzz/meetings/${meetingId}/cancellations`);
    await cancel({}, undefined, 404, 'not-found', `/v1/sips/${sipId}/meetings/${unknownId()}/cancellations`);
  });
});

describe('GET /v1/invitations/{id}', () => {
  it('a malformed id is 422, an unknown one 404', async () => {
    await expectRefused({ method: 'GET', path: '/v1/invitations/nope' }, 422, 'validation-failed', '/id');
    await expectRefused({ method: 'GET', path: `/v1/invitations/${unknownId()}` }, 404, 'not-found');
  });

  it('the person’s invitation is not any party’s to read', async () => {
    const personInvitation = invitationOf.get(null);
    await expectRefused({ method: 'GET', path: `/v1/invitations/${personInvitation}` }, 404, 'not-found');
  });
});

describe('POST /v1/invitations/{id}/response: bad input is a 4xx problem and stores nothing', () => {
  const answer = (body: unknown, pointer?: string, status = 422, type = 'validation-failed', id?: string) =>
    expectRefused(
      { as: region, method: 'POST', path: `/v1/invitations/${id ?? invitationFor(region)}/response`, body },
      status,
      type,
      pointer,
    );

  const cases: Array<[string, () => unknown, string | undefined]> = [
    ['the answer "maybe"', () => ({ answer: 'maybe' }), '/answer'],
    ['no answer', () => ({ comment: 'Hej' }), '/answer'],
    [
      'proposes_new_time without proposedStartsAt',
      () => ({ answer: 'proposes_new_time' }),
      '/proposedStartsAt',
    ],
    [
      'accepted with a proposedStartsAt',
      () => ({ answer: 'accepted', proposedStartsAt: instantInDays(3) }),
      '/proposedStartsAt',
    ],
    [
      'declined with a proposedStartsAt',
      () => ({ answer: 'declined', proposedStartsAt: instantInDays(3) }),
      '/proposedStartsAt',
    ],
    [
      'a malformed proposedStartsAt',
      () => ({ answer: 'proposes_new_time', proposedStartsAt: 'next tuesday' }),
      '/proposedStartsAt',
    ],
    [
      'a comment holding a personnummer',
      () => ({ answer: 'declined', comment: personnummerInText() }),
      '/comment',
    ],
    ['an extra field', () => ({ answer: 'accepted', attendees: 2 }), ''],
    ['a comment over 1000 characters', () => ({ answer: 'accepted', comment: 'x'.repeat(1001) }), '/comment'],
  ];
  for (const [name, body, pointer] of cases) {
    it(name, async () => {
      await answer(body(), pointer);
    });
  }

  it('malformed and unknown ids', async () => {
    await answer({ answer: 'accepted' }, '/id', 422, 'validation-failed', 'abc');
    await answer({ answer: 'accepted' }, undefined, 404, 'not-found', unknownId());
  });

  it('a cancelled invitation cannot be answered (409)', async () => {
    const [closedMeeting] = closed.meetings;
    const invitation = closedMeeting?.invitations.find((i) => i.party === kommun.id);
    await expectRefused(
      { method: 'POST', path: `/v1/invitations/${invitation?.id}/response`, body: { answer: 'accepted' } },
      409,
      'illegal-transition',
    );
  });
});

describe('GET /v1/deliveries and POST /v1/deliveries/{id}/redrives', () => {
  it('an unknown state and bad pagination are 422', async () => {
    await expectRefused(
      { method: 'GET', path: '/v1/deliveries?state=lost' },
      422,
      'validation-failed',
      '/state',
    );
    await expectRefused(
      { method: 'GET', path: '/v1/deliveries?limit=0' },
      422,
      'validation-failed',
      '/limit',
    );
    await expectRefused(
      { method: 'GET', path: '/v1/deliveries?limit=501' },
      422,
      'validation-failed',
      '/limit',
    );
    await expectRefused(
      { method: 'GET', path: '/v1/deliveries?page=zero' },
      422,
      'validation-failed',
      '/page',
    );
  });

  it('a malformed id is 422, an unknown one 404', async () => {
    await expectRefused(
      { method: 'POST', path: '/v1/deliveries/abc/redrives' },
      422,
      'validation-failed',
      '/id',
    );
    await expectRefused({ method: 'POST', path: `/v1/deliveries/${unknownId()}/redrives` }, 404, 'not-found');
  });
});

describe('rules found by reading the service closely', () => {
  it('a förbund cannot take part in a SIP, even when the consent names it', async () => {
    const forbund = await svc.party('forbund');
    const personnummer = testPersonnummer();
    const consent = await createTestConsent(svc.database.db, svc.deps.persons, {
      personnummer,
      parties: [kommun.id, region.id, forbund.id],
      categories: ['care'],
      purposes: ['sip'],
    });
    const before = await storedState(svc);
    const body = openSipBody(personnummer, consent.id, [kommun, region], {
      participants: [kommun.id, region.id, forbund.id],
    });
    const problem = await expectProblem(
      await svc.call(kommun, 'POST', '/v1/sips', body),
      422,
      'validation-failed',
    );
    expect(problem.errors?.map((e) => e.pointer)).toEqual(['/participants/2']);
    expect(await storedState(svc)).toEqual(before);
  });

  it('two actions may not share an id', async () => {
    const id = '5d2a6c71-1b1e-4c7a-9d0e-2f3b4c5d6e7f';
    const action = {
      id,
      responsibleParty: kommun.id,
      description: 'Ringa',
      dueOn: dateInDays(5),
      status: 'planned',
    };
    const before = await storedState(svc);
    const response = await svc.call(kommun, 'PATCH', `/v1/sips/${sipId}`, {
      actions: [action, { ...action }],
    });
    const problem = await expectProblem(response, 422, 'validation-failed');
    expect(problem.errors?.map((e) => e.pointer)).toEqual(['/actions/1/id']);
    expect(await storedState(svc)).toEqual(before);
  });

  it('a proposed new time must lie in the future', async () => {
    const before = await storedState(svc);
    const response = await svc.call(region, 'POST', `/v1/invitations/${invitationFor(region)}/response`, {
      answer: 'proposes_new_time',
      proposedStartsAt: instantInDays(-1),
    });
    const problem = await expectProblem(response, 422, 'validation-failed');
    expect(problem.errors?.map((e) => e.pointer)).toEqual(['/proposedStartsAt']);
    expect(await storedState(svc)).toEqual(before);
  });

  it('a dead invitation of a closed SIP is not re-driven; its closing notice is', async () => {
    const rows = await svc.database.sql<{ id: string; event_type: string }[]>`
      select id, event_type from deliveries where sip_id = ${closed.id} and party_id = ${region.id}
      and event_type in ('invitation.created', 'sip.closed')`;
    for (const row of rows) await svc.database.sql`update deliveries set state = 'dead' where id = ${row.id}`;
    const invitation = rows.find((row) => row.event_type === 'invitation.created');
    const closing = rows.find((row) => row.event_type === 'sip.closed');
    if (!invitation || !closing) throw new Error('expected an invitation and a closing notice');
    await expectProblem(
      await svc.call(region, 'POST', `/v1/deliveries/${invitation.id}/redrives`),
      409,
      'not-redrivable',
    );
    expect((await svc.call(region, 'POST', `/v1/deliveries/${closing.id}/redrives`)).status).toBe(202);
  });
});
