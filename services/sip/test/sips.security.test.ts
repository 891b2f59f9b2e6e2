import { generateSigningJwk, issueAccessToken, loadSigningKey } from '@samsyn/auth';
import { consents, deliveries } from '@samsyn/db';
import type { Scope } from '@samsyn/domain';
import { type TestParty, type TestService, testPersonnummer } from '@samsyn/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvitationSchema } from '../src/schemas';
import {
  callMeeting,
  expectProblem,
  meetingBody,
  openSip,
  openSipBody,
  type Problem,
  readSip,
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
let forbund: TestParty;
/** A kommun that takes part in nothing. */
let stranger: TestParty;
/** A SIP of kommun, region and fk under a consent that also names af, with one meeting. */
let world: SipView;
let consentId: string;
let worldPersonnummer: string;

/** Every personnummer this file sends, valid or not: none may reach the logs. */
const used: string[] = [];
function personnummerForThisFile(): string {
  const number = testPersonnummer();
  used.push(number);
  return number;
}

beforeAll(async () => {
  svc = await startSip();
  kommun = await svc.party('kommun');
  region = await svc.party('region');
  fk = await svc.party('fk');
  af = await svc.party('af');
  forbund = await svc.party('forbund');
  stranger = await svc.party('kommun');
  worldPersonnummer = personnummerForThisFile();
  const opened = await openSip(svc, [kommun, region, fk], {
    personnummer: worldPersonnummer,
    consent: { parties: [kommun.id, region.id, fk.id, af.id] },
  });
  consentId = opened.consent.id;
  world = await callMeeting(svc, kommun, opened.sip.id, [kommun, region, fk]);
});
afterAll(() => svc.close());

function meetingOf(view: SipView) {
  const [meeting] = view.meetings;
  if (!meeting) throw new Error('no meeting');
  return meeting;
}

function invitationOf(view: SipView, party: TestParty): string {
  const id = meetingOf(view).invitations.find((i) => i.party === party.id)?.id;
  if (!id) throw new Error(`no invitation for ${party.id}`);
  return id;
}

async function deliveryTo(party: TestParty, sipId: string): Promise<string> {
  const rows = await svc.database.db.select().from(deliveries).where(eq(deliveries.partyId, party.id));
  const id = rows.find((r) => r.sipId === sipId)?.id;
  if (!id) throw new Error(`no delivery to ${party.id}`);
  return id;
}

interface RouteCall {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  scope: Scope;
  path: (view: SipView) => string | Promise<string>;
  body?: (view: SipView) => unknown;
}

const routes: RouteCall[] = [
  {
    name: 'POST /v1/sips',
    method: 'POST',
    scope: 'sip:write',
    path: () => '/v1/sips',
    body: () => openSipBody(worldPersonnummer, consentId, [kommun, region]),
  },
  { name: 'GET /v1/sips/{id}', method: 'GET', scope: 'sip:read', path: (v) => `/v1/sips/${v.id}` },
  {
    name: 'PATCH /v1/sips/{id}',
    method: 'PATCH',
    scope: 'sip:write',
    path: (v) => `/v1/sips/${v.id}`,
    body: () => ({ needs: ['Boende'] }),
  },
  {
    name: 'POST /v1/sips/{id}/transitions',
    method: 'POST',
    scope: 'sip:write',
    path: (v) => `/v1/sips/${v.id}/transitions`,
    body: () => ({ to: 'meeting' }),
  },
  {
    name: 'POST /v1/sips/{id}/meetings',
    method: 'POST',
    scope: 'sip:write',
    path: (v) => `/v1/sips/${v.id}/meetings`,
    body: () => meetingBody([kommun, region]),
  },
  {
    name: 'PATCH /v1/sips/{id}/meetings/{meetingId}',
    method: 'PATCH',
    scope: 'sip:write',
    path: (v) => `/v1/sips/${v.id}/meetings/${meetingOf(v).id}`,
    body: () => ({ durationMinutes: 60 }),
  },
  {
    name: 'POST /v1/sips/{id}/meetings/{meetingId}/cancellations',
    method: 'POST',
    scope: 'sip:write',
    path: (v) => `/v1/sips/${v.id}/meetings/${meetingOf(v).id}/cancellations`,
    body: () => ({}),
  },
  {
    name: 'GET /v1/invitations/{id}',
    method: 'GET',
    scope: 'sip:read',
    path: (v) => `/v1/invitations/${invitationOf(v, kommun)}`,
  },
  {
    name: 'POST /v1/invitations/{id}/response',
    method: 'POST',
    scope: 'sip:write',
    path: (v) => `/v1/invitations/${invitationOf(v, kommun)}/response`,
    body: () => ({ answer: 'accepted' }),
  },
  { name: 'GET /v1/deliveries', method: 'GET', scope: 'sip:read', path: () => '/v1/deliveries' },
  {
    name: 'POST /v1/deliveries/{id}/redrives',
    method: 'POST',
    scope: 'sip:write',
    path: async (v) => `/v1/deliveries/${await deliveryTo(kommun, v.id)}/redrives`,
  },
];

async function send(route: RouteCall, authorization?: string, view = world): Promise<Response> {
  const body = route.body?.(view);
  return fetch(`${svc.url}${await route.path(view)}`, {
    method: route.method,
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Checks the response is a problem of `type` and that nothing at all changed in the SIP tables. */
async function expectRefused(
  request: () => Promise<Response>,
  status: number,
  type: string,
): Promise<{ response: Response; body: Problem }> {
  const before = await storedState(svc);
  const response = await request();
  const body = await expectProblem(response, status, type);
  expect(await storedState(svc)).toEqual(before);
  return { response, body };
}

/** What a client can tell about a 404: everything but the per-request id and the path. */
function shapeOf(body: Problem) {
  const { requestId: _requestId, instance: _instance, ...rest } = body;
  return rest;
}

/** Checks that `hidden` answers exactly like `missing`, apart from the request id and the path. */
async function expectIndistinguishable(hidden: () => Promise<Response>, missing: () => Promise<Response>) {
  const a = await expectRefused(hidden, 404, 'not-found');
  const b = await expectRefused(missing, 404, 'not-found');
  expect(shapeOf(a.body)).toEqual(shapeOf(b.body));
  expect([...a.response.headers.keys()].sort()).toEqual([...b.response.headers.keys()].sort());
  expect(a.body.requestId).toEqual(expect.any(String));
}

describe('without a valid access token', () => {
  it.each(routes)('$name answers 401', async (route) => {
    const { response } = await expectRefused(() => send(route), 401, 'unauthenticated');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it.each(routes)('$name answers 401 to a header that is not a bearer token', async (route) => {
    await expectRefused(() => send(route, 'Basic a29tbXVuOnNlY3JldA=='), 401, 'unauthenticated');
  });

  it.each(routes)('$name answers 401 to a token the gateway did not sign', async (route) => {
    const impostor = await loadSigningKey(await generateSigningJwk());
    const { token } = await issueAccessToken(
      {
        issuer: svc.deps.receipts.issuer,
        signingKey: { ...impostor, kid: svc.signingKey.kid },
        lifetimeSeconds: 300,
      },
      {
        kind: 'agency',
        partyId: kommun.id,
        partyKind: 'kommun',
        officerId: 'officer-1',
        scopes: ['sip:read', 'sip:write'],
      },
    );
    await expectRefused(() => send(route, `Bearer ${token}`), 401, 'unauthenticated');
  });
});

describe('without the scope the route needs', () => {
  it.each(routes)('$name answers 403 insufficient-scope to a token with whoami only', async (route) => {
    const token = await svc.tokenFor(kommun, { scopes: ['whoami'] });
    const { response } = await expectRefused(() => send(route, `Bearer ${token}`), 403, 'insufficient-scope');
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", scope="${route.scope}"`,
    );
  });

  it.each(routes)('$name answers 403 to a token with only the other SIP scope', async (route) => {
    const other: Scope = route.scope === 'sip:read' ? 'sip:write' : 'sip:read';
    const token = await svc.tokenFor(kommun, { scopes: ['whoami', 'status:read', 'consent:read', other] });
    await expectRefused(() => send(route, `Bearer ${token}`), 403, 'insufficient-scope');
  });

  it.each(routes)('a förbund cannot use $name: its tokens carry no SIP scope', async (route) => {
    const token = await svc.tokenFor(forbund);
    await expectRefused(() => send(route, `Bearer ${token}`), 403, 'insufficient-scope');
  });

  it('a token with just sip:read reads the SIP and the invitation', async () => {
    const token = await svc.tokenFor(region, { scopes: ['sip:read'] });
    const headers = { authorization: `Bearer ${token}` };
    expect((await fetch(`${svc.url}/v1/sips/${world.id}`, { headers })).status).toBe(200);
    const invitation = await fetch(`${svc.url}/v1/invitations/${invitationOf(world, region)}`, { headers });
    expect(invitation.status).toBe(200);
  });
});

describe('a party that does not take part in the SIP', () => {
  const sipRoutes = routes.filter((r) => r.name.includes(' /v1/sips/{id}'));

  it('covers every route under /v1/sips/{id}', () => {
    expect(sipRoutes.map((r) => r.name)).toEqual([
      'GET /v1/sips/{id}',
      'PATCH /v1/sips/{id}',
      'POST /v1/sips/{id}/transitions',
      'POST /v1/sips/{id}/meetings',
      'PATCH /v1/sips/{id}/meetings/{meetingId}',
      'POST /v1/sips/{id}/meetings/{meetingId}/cancellations',
    ]);
  });

  for (const who of ['a stranger kommun', 'af, although the consent names it'] as const) {
    it.each(sipRoutes)(`${who}: $name is a 404 identical to an unknown id`, async (route) => {
      const outsider = who === 'a stranger kommun' ? stranger : af;
      const token = `Bearer ${await svc.tokenFor(outsider)}`;
      const unknown: SipView = { ...world, id: unknownId() };
      await expectIndistinguishable(
        () => send(route, token),
        () => send(route, token, unknown),
      );
    });
  }

  it('the stranger cannot read or answer an invitation of the SIP', async () => {
    for (const party of [kommun, region, fk]) {
      const invitation = invitationOf(world, party);
      await expectIndistinguishable(
        () => svc.call(stranger, 'GET', `/v1/invitations/${invitation}`),
        () => svc.call(stranger, 'GET', `/v1/invitations/${unknownId()}`),
      );
      await expectIndistinguishable(
        () => svc.call(stranger, 'POST', `/v1/invitations/${invitation}/response`, { answer: 'declined' }),
        () => svc.call(stranger, 'POST', `/v1/invitations/${unknownId()}/response`, { answer: 'declined' }),
      );
    }
  });

  it('the stranger cannot re-drive a dead letter of the SIP', async () => {
    const id = await deliveryTo(region, world.id);
    await svc.database.db.update(deliveries).set({ state: 'dead' }).where(eq(deliveries.id, id));
    try {
      await expectIndistinguishable(
        () => svc.call(stranger, 'POST', `/v1/deliveries/${id}/redrives`),
        () => svc.call(stranger, 'POST', `/v1/deliveries/${unknownId()}/redrives`),
      );
    } finally {
      await svc.database.db.update(deliveries).set({ state: 'pending' }).where(eq(deliveries.id, id));
    }
  });

  it('does not see the SIP’s deliveries in its list', async () => {
    const response = await svc.call(stranger, 'GET', '/v1/deliveries');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ deliveries: [] });
  });
});

describe('another party’s invitation', () => {
  it('is a 404 to read or answer, identical to an unknown id', async () => {
    const kommunInvitation = invitationOf(world, kommun);
    for (const party of [region, fk]) {
      await expectIndistinguishable(
        () => svc.call(party, 'GET', `/v1/invitations/${kommunInvitation}`),
        () => svc.call(party, 'GET', `/v1/invitations/${unknownId()}`),
      );
      await expectIndistinguishable(
        () => svc.call(party, 'POST', `/v1/invitations/${kommunInvitation}/response`, { answer: 'declined' }),
        () => svc.call(party, 'POST', `/v1/invitations/${unknownId()}/response`, { answer: 'declined' }),
      );
    }
    // Its own invitation it reads.
    const own = await svc.call(region, 'GET', `/v1/invitations/${invitationOf(world, region)}`);
    expect(own.status).toBe(200);
  });
});

describe('once the consent no longer holds', () => {
  async function sipWithMeeting() {
    const opened = await openSip(svc, [kommun, region, fk], { personnummer: personnummerForThisFile() });
    const view = await callMeeting(svc, kommun, opened.sip.id, [kommun, region, fk]);
    return { view, consentId: opened.consent.id };
  }

  async function expectGoneForEveryone(view: SipView) {
    for (const party of [kommun, region, fk]) {
      const invitation = invitationOf(view, party);
      await expectIndistinguishable(
        () => svc.call(party, 'GET', `/v1/sips/${view.id}`),
        () => svc.call(party, 'GET', `/v1/sips/${unknownId()}`),
      );
      await expectIndistinguishable(
        () => svc.call(party, 'GET', `/v1/invitations/${invitation}`),
        () => svc.call(party, 'GET', `/v1/invitations/${unknownId()}`),
      );
      await expectIndistinguishable(
        () => svc.call(party, 'POST', `/v1/invitations/${invitation}/response`, { answer: 'accepted' }),
        () => svc.call(party, 'POST', `/v1/invitations/${unknownId()}/response`, { answer: 'accepted' }),
      );
    }
    for (const route of routes.filter((r) => r.name.includes(' /v1/sips/{id}'))) {
      const token = `Bearer ${await svc.tokenFor(kommun)}`;
      await expectIndistinguishable(
        () => send(route, token, view),
        () => send(route, token, { ...view, id: unknownId() }),
      );
    }
  }

  it('after it is revoked, the SIP and its invitations are 404 for every participant', async () => {
    const { view, consentId: revoked } = await sipWithMeeting();
    const before = await readSip(svc, region, view.id);
    expect(before.id).toBe(view.id);
    const invitation = await svc.call(fk, 'GET', `/v1/invitations/${invitationOf(view, fk)}`);
    expect(invitation.status).toBe(200);
    await svc.database.db
      .update(consents)
      .set({ revokedAt: new Date(Date.now() - 1_000) })
      .where(eq(consents.id, revoked));
    await expectGoneForEveryone(view);
  });

  it('after it expires, the same', async () => {
    const { view, consentId: expiring } = await sipWithMeeting();
    await svc.database.db
      .update(consents)
      .set({ validUntil: new Date(Date.now() - 1_000), validFrom: new Date(Date.now() - 86_400_000) })
      .where(eq(consents.id, expiring));
    await expectGoneForEveryone(view);
  });
});

describe('the logs', () => {
  it('never hold a personnummer: not one sent, refused, put in a URL or handed back', async () => {
    const inPath = personnummerForThisFile();
    const refused = await svc.call(kommun, 'GET', `/v1/sips/${inPath.replace('-', '')}`);
    expect(refused.status).toBe(422);

    const good = personnummerForThisFile();
    const bad = `${good.slice(0, -1)}${(Number(good.slice(-1)) + 1) % 10}`;
    used.push(bad);
    const badBody = openSipBody(bad, consentId, [kommun, region]);
    const badResponse = await svc.call(kommun, 'POST', '/v1/sips', badBody);
    const badProblem = await expectProblem(badResponse, 422, 'invalid-personnummer');
    expect(JSON.stringify(badProblem)).not.toContain(bad.slice(-4));

    const inText = personnummerForThisFile();
    const textResponse = await svc.call(kommun, 'PATCH', `/v1/sips/${world.id}`, {
      needs: [`Gäller ${inText}`],
    });
    const textProblem = await expectProblem(textResponse, 422, 'validation-failed');
    expect(JSON.stringify(textProblem)).not.toContain(inText);

    const read = await svc.call(kommun, 'GET', `/v1/invitations/${invitationOf(world, kommun)}`);
    expect(read.status).toBe(200);
    const { person } = InvitationSchema.parse(await read.json());
    expect(used.map((n) => n.replace('-', ''))).toContain(person.personnummer);

    const logged = svc.logs.lines.join('\n');
    expect(svc.logs.lines.length).toBeGreaterThan(0);
    expect(logged).toContain(world.id);
    expect(logged).toContain('/v1/sips/[personnummer]');
    for (const number of used) {
      const twelve = number.replace(/[-+]/, '');
      expect(logged).not.toContain(number);
      expect(logged).not.toContain(twelve);
      expect(logged).not.toContain(twelve.slice(2));
      expect(logged).not.toContain(number.slice(2));
    }
  });
});
