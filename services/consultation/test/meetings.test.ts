import { deliveries } from '@samsyn/db';
import { type TestParty, testPersonnummer, type WebhookReceiver } from '@samsyn/testkit';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatcherSettings, startDispatcher, withReceiver } from '../../../test/e2e/sip-harness';
import { ForumMeetingListSchema, ForumMeetingSchema, ForumSchema } from '../src/schemas';
import {
  anonymisedCase,
  callMeeting,
  createForum,
  dayMs,
  expectProblem,
  type ForumView,
  instantInDays,
  type MeetingView,
  raiseCase,
  recordConsent,
  startWorld,
  storedCounts,
  type World,
} from './harness';

/**
 * A forum meeting called for three member parties over real HTTP and Redis: the consultation
 * service writes the outbox, the unchanged dispatcher relays it to BullMQ and delivers signed
 * webhooks; each member fetches the meeting and its agenda under its own token.
 */
let world: World;
let dispatcher: ReturnType<typeof startDispatcher>;
let forum: ForumView;
let members: TestParty[];
const receivers = new Map<string, WebhookReceiver>();

beforeAll(async () => {
  world = await startWorld();
  members = [world.kommun, world.fk, world.region];
  for (const party of members) receivers.set(party.id, await withReceiver(world.gateway, party));
  dispatcher = startDispatcher(dispatcherSettings(world.gateway));
  forum = await createForum(world, members);
});
afterAll(async () => {
  await dispatcher.stop();
  for (const receiver of receivers.values()) await receiver.close();
  await world.close();
});

function receiverOf(party: TestParty): WebhookReceiver {
  const receiver = receivers.get(party.id);
  if (!receiver) throw new Error(`no receiver for ${party.id}`);
  return receiver;
}

async function outbox(meetingId: string) {
  return world.gateway.database.db
    .select()
    .from(deliveries)
    .where(eq(deliveries.meetingId, meetingId))
    .orderBy(asc(deliveries.createdAt), asc(deliveries.eventType), asc(deliveries.partyId));
}

describe('a forum meeting', () => {
  let meeting: MeetingView;
  let waitingCaseId = '';

  it('takes the cases raised while no meeting was scheduled onto its agenda', async () => {
    const waiting = await raiseCase(world, world.kommun, forum.id, anonymisedCase());
    waitingCaseId = waiting.id;
    expect(waiting.state).toBe('awaiting_meeting');
    meeting = await callMeeting(world, world.kommun, forum.id, {
      startsAt: instantInDays(3),
      theme: 'Sjukersättning: kriterier',
    });
    expect(meeting).toMatchObject({
      forumId: forum.id,
      durationMinutes: 180,
      place: 'Stadsområde Söder, rum 2',
      theme: 'Sjukersättning: kriterier',
      status: 'scheduled',
      held: false,
      version: 1,
      calledBy: { party: world.kommun.id },
    });
    expect(meeting.agenda.map((item) => [item.id, item.state])).toEqual([[waiting.id, 'on_agenda']]);
    const view = ForumSchema.parse(
      await (await world.call(world.fk, 'GET', `/v1/forums/${forum.id}`)).json(),
    );
    expect(view).toMatchObject({ nextMeeting: { id: meeting.id }, waitingCases: 0 });
    // A case raised now goes to this meeting, the next one.
    const next = await raiseCase(world, world.fk, forum.id, anonymisedCase({ category: 'work_ability' }));
    expect(next).toMatchObject({ meetingId: meeting.id, state: 'on_agenda' });
  });

  it('is delivered to every member party, signed with its own secret, carrying ids only', async () => {
    for (const party of members) {
      const receiver = receiverOf(party);
      await expect.poll(() => receiver.ofType('forum_meeting.called').length, { timeout: 10_000 }).toBe(1);
      const [message] = receiver.ofType('forum_meeting.called');
      expect(message?.verified).toBe(true);
      expect(message?.data).toEqual({ forumId: forum.id, meetingId: meeting.id });
    }
    // A reminder a day before waits in the outbox for each member.
    const reminders = (await outbox(meeting.id)).filter((row) => row.eventType === 'forum_meeting.reminder');
    expect(reminders.map((row) => row.partyId).sort()).toEqual(members.map((p) => p.id).sort());
    for (const reminder of reminders) {
      expect(reminder.notBefore?.getTime()).toBe(Date.parse(meeting.startsAt) - dayMs);
      expect(reminder.state).not.toBe('delivered');
    }
  });

  it('lets each member read the meeting with its agenda and everyone’s delivery state', async () => {
    for (const party of members) {
      const [message] = receiverOf(party).ofType('forum_meeting.called');
      const response = await world.call(
        party,
        'GET',
        `/v1/forums/${String(message?.data.forumId)}/meetings/${String(message?.data.meetingId)}`,
      );
      expect(response.status).toBe(200);
      const view = ForumMeetingSchema.parse(await response.json());
      expect(view.agenda.map((item) => item.id)).toContain(waitingCaseId);
      expect(view.agenda).toHaveLength(2);
      expect(view.invitations.map((i) => [i.party, i.eventType, i.state, i.attempts]).sort()).toEqual(
        members.map((p) => [p.id, 'forum_meeting.called', 'delivered', 1]).sort(),
      );
    }
    const outsider = await world.call(world.af, 'GET', `/v1/forums/${forum.id}/meetings/${meeting.id}`);
    await expectProblem(outsider, 404, 'not-found');
  });

  it('is moved by the convener only; every member is told and the reminder replaced', async () => {
    await expectProblem(
      await world.call(world.fk, 'PATCH', `/v1/forums/${forum.id}/meetings/${meeting.id}`, {
        startsAt: instantInDays(4),
      }),
      403,
      'role-required',
    );
    const moved = await world.call(world.kommun, 'PATCH', `/v1/forums/${forum.id}/meetings/${meeting.id}`, {
      startsAt: instantInDays(4),
      videoLink: 'https://meet.example.se/soder',
    });
    expect(moved.status).toBe(200);
    const view = ForumMeetingSchema.parse(await moved.json());
    expect(view).toMatchObject({ version: 2, videoLink: 'https://meet.example.se/soder' });
    for (const party of members) {
      await expect
        .poll(() => receiverOf(party).ofType('forum_meeting.updated').length, { timeout: 10_000 })
        .toBe(1);
    }
    const rows = await outbox(meeting.id);
    const reminders = rows.filter((row) => row.eventType === 'forum_meeting.reminder');
    expect(reminders.filter((row) => row.state === 'cancelled')).toHaveLength(3);
    const open = reminders.filter((row) => row.state !== 'cancelled');
    expect(open.map((row) => row.notBefore?.getTime())).toEqual(
      Array(3).fill(Date.parse(view.startsAt) - dayMs),
    );
  });

  it('is cancelled by the convener: everyone is told, its cases wait for the next meeting', async () => {
    const cancelled = await world.call(
      world.kommun,
      'POST',
      `/v1/forums/${forum.id}/meetings/${meeting.id}/cancellations`,
      { reason: 'Kontaktpersonerna är på utbildning.' },
    );
    expect(cancelled.status).toBe(200);
    const view = ForumMeetingSchema.parse(await cancelled.json());
    expect(view).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'Kontaktpersonerna är på utbildning.',
    });
    expect(view.agenda).toEqual([]);
    for (const party of members) {
      await expect
        .poll(() => receiverOf(party).ofType('forum_meeting.cancelled').length, { timeout: 10_000 })
        .toBe(1);
    }
    const open = (await outbox(meeting.id)).filter(
      (row) =>
        row.eventType !== 'forum_meeting.cancelled' && ['pending', 'queued', 'retrying'].includes(row.state),
    );
    expect(open).toEqual([]);
    const forumNow = ForumSchema.parse(
      await (await world.call(world.kommun, 'GET', `/v1/forums/${forum.id}`)).json(),
    );
    expect(forumNow).toMatchObject({ nextMeeting: null, waitingCases: 2 });
    await expectProblem(
      await world.call(
        world.kommun,
        'POST',
        `/v1/forums/${forum.id}/meetings/${meeting.id}/cancellations`,
        {},
      ),
      409,
      'state-conflict',
    );
    await expectProblem(
      await world.call(
        world.kommun,
        'POST',
        `/v1/forums/${forum.id}/cases`,
        anonymisedCase({ meetingId: meeting.id }),
      ),
      409,
      'state-conflict',
    );
  });

  it('records a meeting held in the past without inviting anyone, and never moves it', async () => {
    const before = await storedCounts(world);
    const held = await callMeeting(world, world.kommun, forum.id, {
      startsAt: instantInDays(-40),
      durationMinutes: 120,
    });
    expect(held).toMatchObject({ held: true, durationMinutes: 120, agenda: [], invitations: [] });
    const after = await storedCounts(world);
    expect(after.deliveries).toBe(before.deliveries);
    // The waiting cases are for the next meeting, not for one already held.
    expect(
      ForumSchema.parse(await (await world.call(world.kommun, 'GET', `/v1/forums/${forum.id}`)).json())
        .waitingCases,
    ).toBe(2);
    await expectProblem(
      await world.call(world.kommun, 'PATCH', `/v1/forums/${forum.id}/meetings/${held.id}`, {
        startsAt: instantInDays(2),
      }),
      409,
      'state-conflict',
    );
    await expectProblem(
      await world.call(world.kommun, 'POST', `/v1/forums/${forum.id}/meetings`, {
        startsAt: instantInDays(-4 * 366),
      }),
      422,
      'validation-failed',
    );
    const list = ForumMeetingListSchema.parse(
      await (await world.call(world.fk, 'GET', `/v1/forums/${forum.id}/meetings`)).json(),
    );
    expect(list.meetings.map((m) => m.id)).toContain(held.id);
    const upcoming = ForumMeetingListSchema.parse(
      await (await world.call(world.fk, 'GET', `/v1/forums/${forum.id}/meetings?upcoming=true`)).json(),
    );
    expect(upcoming.meetings).toEqual([]);
  });

  it('lets only the convener call meetings', async () => {
    await expectProblem(
      await world.call(world.fk, 'POST', `/v1/forums/${forum.id}/meetings`, { startsAt: instantInDays(9) }),
      403,
      'role-required',
    );
  });

  it('says nothing personal in any webhook, even for a named case on the agenda', async () => {
    const personnummer = testPersonnummer();
    const consentId = await recordConsent(world, world.kommun, {
      personnummer,
      parties: members.map((p) => p.id),
    });
    await raiseCase(world, world.kommun, forum.id, {
      kind: 'named',
      category: 'sickness_compensation',
      question: 'Finns förutsättningar för sjukersättning?',
      personnummer,
      consentId,
    });
    const next = await callMeeting(world, world.kommun, forum.id, { startsAt: instantInDays(10) });
    expect(next.agenda).toHaveLength(3);
    for (const party of members) {
      await expect
        .poll(() => receiverOf(party).ofType('forum_meeting.called').length, { timeout: 10_000 })
        .toBe(2);
      for (const message of receiverOf(party).received) {
        expect(JSON.stringify(message.data)).not.toContain(personnummer.slice(2, 8));
        expect(Object.keys(message.data).sort()).toEqual(['forumId', 'meetingId']);
      }
    }
    const rows = await world.gateway.database.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.meetingId, next.id), eq(deliveries.eventType, 'forum_meeting.called')));
    expect(rows).toHaveLength(3);
  });
});
