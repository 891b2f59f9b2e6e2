import { randomUUID } from 'node:crypto';
import { auditLog, consents } from '@samsyn/db';
import { type TestParty, testPersonnummer } from '@samsyn/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callMeeting,
  createForum,
  dayMs,
  type ForumView,
  instantInDays,
  raiseCase,
  recordConsent,
  startWorld,
  type World,
} from './harness';

/**
 * The consultation routes' own authorisation matrix: every requesting party kind (the forum's three
 * members, a party outside it, a förbund) × the named case's consent (valid, expired, withdrawn).
 * Only a member under the valid consent may see the case; every other cell must answer exactly as
 * for a case that does not exist, and nothing personal may appear in any answer or list.
 */
let world: World;
let forum: ForumView;
let meetingId: string;

const consentStates = ['valid', 'expired', 'revoked'] as const;
type ConsentState = (typeof consentStates)[number];

interface Reply {
  status: number;
  text: string;
}

async function send(party: TestParty, method: string, path: string, body?: unknown): Promise<Reply> {
  const response = await world.call(party, method, path, body);
  return { status: response.status, text: await response.text() };
}

/** A problem without what differs per request by design: its request id and path. */
function shape(reply: Reply): string {
  try {
    const { requestId: _r, instance: _i, ...rest } = JSON.parse(reply.text) as Record<string, unknown>;
    return `${reply.status} ${JSON.stringify(rest)}`;
  } catch {
    return `${reply.status} ${reply.text}`;
  }
}

beforeAll(async () => {
  world = await startWorld();
  forum = await createForum(world, [world.kommun, world.region, world.fk]);
  meetingId = (await callMeeting(world, world.kommun, forum.id, { startsAt: instantInDays(-2) })).id;
});
afterAll(() => world.close());

async function namedCase(state: ConsentState) {
  const personnummer = testPersonnummer();
  const consentId = await recordConsent(world, world.kommun, {
    personnummer,
    parties: forum.members.map((m) => m.party),
  });
  const kase = await raiseCase(world, world.kommun, forum.id, {
    kind: 'named',
    category: 'sickness_compensation',
    question: `Hemlig fråga ${randomUUID()}`,
    personnummer,
    consentId,
    meetingId,
  });
  const db = world.gateway.database.db;
  // The consent ends after the case was raised under it, as time or the person would end it.
  if (state === 'expired') {
    await db
      .update(consents)
      .set({ validFrom: new Date(Date.now() - 3 * dayMs), validUntil: new Date(Date.now() - dayMs) })
      .where(eq(consents.id, consentId));
  }
  if (state === 'revoked') {
    const revoked = await world.call(world.kommun, 'POST', `/v1/consents/${consentId}/revocation`, {
      reason: 'Personen återkallade samtycket.',
    });
    expect(revoked.status).toBe(200);
  }
  return { kase, personnummer, consentId };
}

describe('a named case, for every party and consent state', () => {
  it('is shown only to members under a valid consent; every other answer equals a missing case’s', async () => {
    const { kommun, region, fk, af, kommun2, forbund } = world;
    const members = [kommun, region, fk];
    const leaks: string[] = [];
    for (const state of consentStates) {
      const { kase, personnummer, consentId } = await namedCase(state);
      const digits = personnummer.replace('-', '');
      const needles = [digits.slice(2), `${digits.slice(2, 8)}-${digits.slice(8)}`, kase.question];
      for (const requester of [kommun, region, fk, af, kommun2, forbund]) {
        const cell = `${requester.kind}:${requester.id}/${state}`;
        const member = members.includes(requester);
        const sees = member && state === 'valid';
        const casePath = `/v1/forums/${forum.id}/cases/${kase.id}`;
        const missingPath = `/v1/forums/${forum.id}/cases/${randomUUID()}`;
        const routes: Array<[string, string, unknown]> = [
          ['GET', '', undefined],
          ['POST', '/answers', { advice: 'Pröva rehabilitering först.' }],
          ['POST', '/follow-ups', { adviceFollowed: true }],
        ];
        for (const [method, suffix, body] of routes) {
          const reply = await send(requester, method, `${casePath}${suffix}`, body);
          const missing = await send(requester, method, `${missingPath}${suffix}`, body);
          if (!sees) {
            if (shape(reply) !== shape(missing))
              leaks.push(
                `${cell} ${method} ${suffix}: ${reply.status} differs from a missing case’s ${missing.status}`,
              );
            for (const needle of needles)
              if (reply.text.includes(needle)) leaks.push(`${cell} ${method} ${suffix}: shows the case`);
          }
        }
        if (sees) {
          const read = await send(requester, 'GET', casePath);
          if (read.status !== 200 || !read.text.includes(digits))
            leaks.push(`${cell}: a member under the valid consent cannot read the case (${read.status})`);
        }
        // Lists and agendas: never the number, never the question, for anyone.
        for (const path of [`/v1/forums/${forum.id}/cases`, `/v1/forums/${forum.id}/meetings/${meetingId}`]) {
          const listed = await send(requester, 'GET', path);
          for (const needle of needles)
            if (listed.text.includes(needle)) leaks.push(`${cell} ${path}: lists personal data`);
        }
      }
      // Every read and answer that happened is in the person's log, under the consent; none other.
      const rows = (await world.gateway.database.db.select().from(auditLog)).filter(
        (row) => row.details.caseId === kase.id,
      );
      const reads = rows.filter((row) => row.action === 'consultation_case.read');
      if (state === 'valid') {
        expect(new Set(reads.map((row) => row.partyId))).toEqual(new Set(members.map((m) => m.id)));
        expect(
          rows.every((row) => row.consentIds.includes(consentId) && row.purpose === 'consultation'),
        ).toBe(true);
      } else {
        expect(reads).toEqual([]);
      }
    }
    expect(leaks).toEqual([]);
  });
});
