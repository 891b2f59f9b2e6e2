import { auditLog, deliveries, invitations, sips } from '@samsyn/db';
import type { TestParty, TestService } from '@samsyn/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeliveryListSchema,
  DeliverySchema,
  InvitationSchema,
  MeetingCalledSchema,
  SipSchema,
} from '../src/schemas';
import {
  auditRows,
  callMeeting,
  dateInDays,
  expectProblem,
  followUpReminderAt,
  instantInDays,
  meetingBody,
  moveSip,
  openSip,
  openSipBody,
  outbox,
  readSip,
  type SipView,
  startSip,
} from './harness';

let svc: TestService;
let kommun: TestParty;
let region: TestParty;
let fk: TestParty;
let af: TestParty;

beforeAll(async () => {
  svc = await startSip();
  kommun = await svc.party('kommun');
  region = await svc.party('region');
  fk = await svc.party('fk');
  af = await svc.party('af');
});
afterAll(() => svc.close());

const hourMs = 3_600_000;

function onlyMeeting(view: SipView) {
  const [meeting, ...rest] = view.meetings;
  expect(rest).toEqual([]);
  if (!meeting) throw new Error('no meeting');
  return meeting;
}

function invitationOf(view: SipView, party: TestParty, meetingId?: string) {
  const meeting = meetingId ? view.meetings.find((m) => m.id === meetingId) : onlyMeeting(view);
  const invitation = meeting?.invitations.find((i) => i.party === party.id);
  if (!invitation) throw new Error(`no invitation for ${party.id}`);
  return invitation;
}

describe('opening a SIP', () => {
  it('answers 201 in the phase "consent and participation", with ids for the actions', async () => {
    const { sip, consent } = await openSip(svc, [kommun, region, fk]);
    expect(sip).toMatchObject({
      consentId: consent.id,
      phase: 'consent_and_participation',
      participants: [kommun.id, region.id, fk.id],
      principal: kommun.id,
      coordinator: { party: kommun.id, name: 'Anna Lind, socialsekreterare' },
      needs: ['Stöd att hitta ett arbete', 'Samordnad vård'],
      closureReason: null,
      closedAt: null,
      openedBy: { party: kommun.id, officer: 'officer-1' },
      meetings: [],
    });
    expect(sip.goals).toHaveLength(1);
    expect(sip.goals[0]).toMatchObject({ responsibleParty: region.id, acceptedByPerson: true });
    expect(sip.actions.map((a) => a.responsibleParty)).toEqual([kommun.id, region.id]);
    expect(new Set(sip.actions.map((a) => a.id)).size).toBe(2);
    expect(Date.now() - Date.parse(sip.openedAt)).toBeLessThan(60_000);

    const [stored] = await svc.database.db.select().from(sips).where(eq(sips.id, sip.id));
    expect(stored?.actions.map((a) => a.id)).toEqual(sip.actions.map((a) => a.id));
    expect(await auditRows(svc, 'sip.opened', sip.id)).toMatchObject([
      { partyId: kommun.id, purpose: 'sip', consentIds: [consent.id] },
    ]);
  });

  it('keeps an action id the opener gives', async () => {
    const id = '5d2a6c71-1b1e-4c7a-9d0e-2f3b4c5d6e7f';
    const { sip } = await openSip(svc, [kommun, region], {
      body: {
        actions: [
          {
            id,
            responsibleParty: region.id,
            description: 'Läkarbesök',
            dueOn: dateInDays(5),
            status: 'done',
          },
        ],
      },
    });
    expect(sip.actions).toEqual([
      { id, responsibleParty: region.id, description: 'Läkarbesök', dueOn: dateInDays(5), status: 'done' },
    ]);
  });

  it('schedules one follow-up reminder per participant, a week before 08:00Z on the follow-up date', async () => {
    const followUp = dateInDays(30);
    const { sip } = await openSip(svc, [kommun, region, af], { body: { nextFollowUpOn: followUp } });
    expect(sip.nextFollowUpOn).toBe(followUp);
    const reminders = await outbox(svc, { sipId: sip.id });
    expect(reminders.map((r) => r.partyId).sort()).toEqual([kommun.id, region.id, af.id].sort());
    for (const reminder of reminders) {
      expect(reminder).toMatchObject({
        eventType: 'sip.follow_up_reminder',
        state: 'pending',
        attempts: 0,
        generation: 0,
        payload: { sipId: sip.id, followUpOn: followUp },
      });
      expect(reminder.notBefore?.toISOString()).toBe(followUpReminderAt(followUp).toISOString());
    }
  });

  it('schedules no follow-up reminder when the reminder time has already passed, or there is no date', async () => {
    const soon = await openSip(svc, [kommun, region], { body: { nextFollowUpOn: dateInDays(3) } });
    expect(soon.sip.nextFollowUpOn).toBe(dateInDays(3));
    expect(await outbox(svc, { sipId: soon.sip.id })).toEqual([]);

    const none = await openSip(svc, [kommun, region], { body: { nextFollowUpOn: null } });
    expect(none.sip.nextFollowUpOn).toBeNull();
    expect(await outbox(svc, { sipId: none.sip.id })).toEqual([]);

    const omitted = await openSip(svc, [kommun, region], { body: { nextFollowUpOn: undefined } });
    expect(omitted.sip.nextFollowUpOn).toBeNull();
    expect(await outbox(svc, { sipId: omitted.sip.id })).toEqual([]);
  });

  it('accepts a 10-digit personnummer and counts a repeated participant once', async () => {
    const opened = await openSip(svc, [region, kommun], {
      body: { participants: [region.id, kommun.id, kommun.id], goals: [], actions: [] },
    });
    expect(opened.sip.participants).toEqual([region.id, kommun.id]);
    expect(opened.sip.principal).toBe(region.id);
    const { consent, personnummer } = opened;
    const ten = personnummer.slice(2);
    const response = await svc.call(kommun, 'POST', '/v1/sips', {
      ...openSipBody(ten, consent.id, [kommun, region]),
    });
    expect(response.status).toBe(201);
    expect(SipSchema.parse(await response.json()).consentId).toBe(consent.id);
  });
});

describe('reading a SIP', () => {
  it('gives every participant the same view, and audits each read as sip.read', async () => {
    const { sip, consent } = await openSip(svc, [kommun, region, fk, af]);
    const views = [];
    for (const party of [kommun, region, fk, af]) views.push(await readSip(svc, party, sip.id));
    for (const view of views) expect(view).toEqual(sip);
    const reads = await auditRows(svc, 'sip.read', sip.id);
    expect(reads.map((r) => r.partyId).sort()).toEqual([kommun.id, region.id, fk.id, af.id].sort());
    for (const read of reads) {
      expect(read).toMatchObject({ purpose: 'sip', consentIds: [consent.id], officerId: 'officer-1' });
      expect(read.personKey).toBe(consent.personKey);
      expect(read.requestId).toEqual(expect.any(String));
    }
  });
});

describe('revising the plan', () => {
  it('replaces needs, goals, actions and the principal, keeping the action ids given', async () => {
    const { sip } = await openSip(svc, [kommun, region, fk]);
    const kept = sip.actions[0];
    if (!kept) throw new Error('no action');
    const response = await svc.call(region, 'PATCH', `/v1/sips/${sip.id}`, {
      principal: region.id,
      coordinator: { party: region.id, name: 'Erik Berg, rehabkoordinator' },
      needs: ['Smärtlindring'],
      goals: [
        {
          description: 'Minskad smärta',
          measure: 'Skattning under 4 av 10',
          targetDate: dateInDays(90),
          responsibleParty: region.id,
          acceptedByPerson: false,
        },
      ],
      actions: [
        { ...kept, status: 'done' },
        { responsibleParty: fk.id, description: 'Avstämningsmöte', dueOn: dateInDays(20), status: 'planned' },
      ],
    });
    expect(response.status).toBe(200);
    const revised = SipSchema.parse(await response.json());
    expect(revised).toMatchObject({
      principal: region.id,
      coordinator: { party: region.id, name: 'Erik Berg, rehabkoordinator' },
      needs: ['Smärtlindring'],
      phase: 'consent_and_participation',
      nextFollowUpOn: sip.nextFollowUpOn,
    });
    expect(revised.goals).toEqual([expect.objectContaining({ description: 'Minskad smärta' })]);
    expect(revised.actions[0]).toEqual({ ...kept, status: 'done' });
    expect(revised.actions[1]?.id).toEqual(expect.any(String));
    expect(revised.actions[1]?.id).not.toBe(kept.id);
    expect(await readSip(svc, fk, sip.id)).toEqual(revised);
    const [audit] = await auditRows(svc, 'sip.updated', sip.id);
    expect(audit?.partyId).toBe(region.id);
    expect(audit?.details.fields).toEqual(['principal', 'coordinator', 'needs', 'goals', 'actions']);
  });

  it('leaves the follow-up reminders alone when the date does not change', async () => {
    const { sip } = await openSip(svc, [kommun, region]);
    const before = await outbox(svc, { sipId: sip.id });
    const response = await svc.call(kommun, 'PATCH', `/v1/sips/${sip.id}`, { needs: ['Boende'] });
    expect(response.status).toBe(200);
    expect(await outbox(svc, { sipId: sip.id })).toEqual(before);
  });

  it('cancels the old follow-up reminders and schedules new ones when nextFollowUpOn changes', async () => {
    const { sip } = await openSip(svc, [kommun, region, af]);
    const old = await outbox(svc, { sipId: sip.id });
    expect(old).toHaveLength(3);
    const followUp = dateInDays(60);
    const response = await svc.call(af, 'PATCH', `/v1/sips/${sip.id}`, { nextFollowUpOn: followUp });
    expect(response.status).toBe(200);
    expect(SipSchema.parse(await response.json()).nextFollowUpOn).toBe(followUp);

    const after = await outbox(svc, { sipId: sip.id });
    const oldIds = new Set(old.map((r) => r.id));
    expect(after.filter((r) => oldIds.has(r.id)).map((r) => r.state)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    const fresh = after.filter((r) => !oldIds.has(r.id));
    expect(fresh.map((r) => r.partyId).sort()).toEqual([kommun.id, region.id, af.id].sort());
    for (const reminder of fresh) {
      expect(reminder).toMatchObject({ eventType: 'sip.follow_up_reminder', state: 'pending' });
      expect(reminder.notBefore?.toISOString()).toBe(followUpReminderAt(followUp).toISOString());
      expect(reminder.payload).toEqual({ sipId: sip.id, followUpOn: followUp });
    }

    const cleared = await svc.call(kommun, 'PATCH', `/v1/sips/${sip.id}`, { nextFollowUpOn: null });
    expect(cleared.status).toBe(200);
    expect(SipSchema.parse(await cleared.json()).nextFollowUpOn).toBeNull();
    const open = await outbox(svc, { sipId: sip.id, state: 'pending' });
    expect(open).toEqual([]);
  });
});

describe('meetings', () => {
  it('calling one answers 201, moves to "invitation and preparation" and invites every party and the person', async () => {
    const { sip } = await openSip(svc, [kommun, region, fk], { body: { nextFollowUpOn: null } });
    const startsAt = instantInDays(10);
    const response = await svc.call(
      region,
      'POST',
      `/v1/sips/${sip.id}/meetings`,
      meetingBody([kommun, region, fk], { startsAt, videoLink: 'https://video.example.se/m/42' }),
    );
    expect(response.status).toBe(201);
    const view = SipSchema.parse(await response.json());
    expect(view.phase).toBe('invitation_and_preparation');
    const meeting = onlyMeeting(view);
    expect(meeting).toMatchObject({
      startsAt,
      durationMinutes: 90,
      place: 'Stadshuset, rum 4',
      videoLink: 'https://video.example.se/m/42',
      interpreterLanguage: 'ar',
      agenda: ['Nuläge', 'Mål och insatser'],
      status: 'scheduled',
      version: 1,
    });
    expect(meeting.invitations).toHaveLength(4);
    const person = meeting.invitations.filter((i) => i.participantKind === 'person');
    expect(person).toMatchObject([
      { party: null, role: 'den enskilde', displayName: 'Den enskilde', delivery: null },
    ]);
    const parties = meeting.invitations.filter((i) => i.participantKind === 'party');
    expect(parties.map((i) => i.party).sort()).toEqual([kommun.id, region.id, fk.id].sort());
    for (const invitation of parties) {
      expect(invitation).toMatchObject({ status: 'active', rsvp: null, respondedAt: null });
      expect(invitation.delivery).toMatchObject({
        party: invitation.party,
        eventType: 'invitation.created',
        state: 'pending',
        attempts: 0,
      });
    }

    const created = await outbox(svc, { meetingId: meeting.id, eventType: 'invitation.created' });
    expect(created.map((r) => r.partyId).sort()).toEqual([kommun.id, region.id, fk.id].sort());
    for (const row of created) {
      const invitation = parties.find((i) => i.party === row.partyId);
      expect(row).toMatchObject({ state: 'pending', notBefore: null, sipId: sip.id });
      expect(row.invitationId).toBe(invitation?.id);
      expect(row.payload).toEqual({ invitationId: invitation?.id, meetingId: meeting.id, sipId: sip.id });
    }
    const reminders = await outbox(svc, { meetingId: meeting.id, eventType: 'meeting.reminder' });
    expect(reminders.map((r) => r.partyId).sort()).toEqual([kommun.id, region.id, fk.id].sort());
    for (const row of reminders) {
      expect(row.state).toBe('pending');
      expect(row.notBefore?.getTime()).toBe(Date.parse(startsAt) - 24 * hourMs);
    }
    expect(await outbox(svc, { sipId: sip.id })).toHaveLength(6);
    const [audit] = await auditRows(svc, 'meeting.called', sip.id);
    expect(audit).toMatchObject({ partyId: region.id, details: { meetingId: meeting.id } });
  });

  it('answers a call with Location naming the new meeting', async () => {
    const { sip } = await openSip(svc, [kommun, region], { body: { nextFollowUpOn: null } });
    const response = await svc.call(kommun, 'POST', `/v1/sips/${sip.id}/meetings`, meetingBody([region]));
    expect(response.status).toBe(201);
    const meeting = onlyMeeting(SipSchema.parse(await response.json()));
    expect(response.headers.get('location')).toBe(`/v1/sips/${sip.id}/meetings/${meeting.id}`);
    expect(response.headers.get('preference-applied')).toBeNull();
  });

  it('with Prefer: return=minimal answers with the new meeting’s id only, and writes all the same', async () => {
    const { sip } = await openSip(svc, [kommun, region, fk], { body: { nextFollowUpOn: null } });
    const startsAt = instantInDays(10);
    const response = await svc.call(
      kommun,
      'POST',
      `/v1/sips/${sip.id}/meetings`,
      meetingBody([kommun, region, fk], { startsAt }),
      { prefer: 'return=minimal' },
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('preference-applied')).toBe('return=minimal');
    const body: unknown = await response.json();
    const called = MeetingCalledSchema.strict().parse(body);
    expect(called).toEqual({ id: called.id, sipId: sip.id, phase: 'invitation_and_preparation' });
    expect(response.headers.get('location')).toBe(`/v1/sips/${sip.id}/meetings/${called.id}`);

    // The plan holds exactly what the full answer would have shown.
    const view = await readSip(svc, region, sip.id);
    expect(view.phase).toBe('invitation_and_preparation');
    const meeting = onlyMeeting(view);
    expect(meeting).toMatchObject({ id: called.id, startsAt, status: 'scheduled', version: 1 });
    expect(meeting.invitations.map((i) => i.party ?? 'person').sort()).toEqual(
      [kommun.id, region.id, fk.id, 'person'].sort(),
    );
    for (const invitation of meeting.invitations.filter((i) => i.party !== null)) {
      expect(invitation.delivery).toMatchObject({ eventType: 'invitation.created', state: 'pending' });
    }
    const rows = await outbox(svc, { meetingId: called.id });
    expect(rows.filter((r) => r.eventType === 'invitation.created')).toHaveLength(3);
    const reminders = rows.filter((r) => r.eventType === 'meeting.reminder');
    expect(reminders.map((r) => r.partyId).sort()).toEqual([kommun.id, region.id, fk.id].sort());
    for (const row of reminders) expect(row.notBefore?.getTime()).toBe(Date.parse(startsAt) - 24 * hourMs);
    const [audit] = await auditRows(svc, 'meeting.called', sip.id);
    expect(audit).toMatchObject({
      partyId: kommun.id,
      purpose: 'sip',
      consentIds: [sip.consentId],
      details: { sipId: sip.id, meetingId: called.id, invited: [kommun.id, region.id, fk.id] },
    });
  });

  it('reads Prefer as RFC 7240 does: among other preferences, in any case, quoted', async () => {
    const { sip } = await openSip(svc, [kommun, region], { body: { nextFollowUpOn: null } });
    for (const prefer of ['respond-async, RETURN="minimal"; foo=bar', 'handling=lenient,return=minimal']) {
      const response = await svc.call(kommun, 'POST', `/v1/sips/${sip.id}/meetings`, meetingBody([region]), {
        prefer,
      });
      expect(response.status, prefer).toBe(201);
      expect(response.headers.get('preference-applied')).toBe('return=minimal');
      MeetingCalledSchema.strict().parse(await response.json());
    }
    for (const prefer of ['return=representation', 'respond-async', 'return=minimalish']) {
      const response = await svc.call(kommun, 'POST', `/v1/sips/${sip.id}/meetings`, meetingBody([region]), {
        prefer,
      });
      expect(response.status, prefer).toBe(201);
      expect(response.headers.get('preference-applied')).toBeNull();
      SipSchema.parse(await response.json());
    }
  });

  it('sends no reminder for a meeting less than 24 hours away, and keeps the phase for a second meeting', async () => {
    const { sip } = await openSip(svc, [kommun, region], { body: { nextFollowUpOn: null } });
    const first = await callMeeting(svc, kommun, sip.id, [kommun, region]);
    const soon = new Date(Date.now() + 3 * hourMs);
    soon.setUTCSeconds(0, 0);
    const view = await callMeeting(svc, kommun, sip.id, [region], {
      startsAt: soon.toISOString(),
      place: null,
      videoLink: 'https://video.example.se/m/1',
    });
    expect(view.phase).toBe('invitation_and_preparation');
    expect(view.meetings).toHaveLength(2);
    const second = view.meetings.find((m) => m.id !== first.meetings[0]?.id);
    if (!second) throw new Error('no second meeting');
    // Meetings are listed by start time: the sooner one first.
    expect(view.meetings[0]?.id).toBe(second.id);
    expect(second.invitations.map((i) => i.party)).toEqual([region.id, null]);
    const rows = await outbox(svc, { meetingId: second.id });
    expect(rows.map((r) => [r.partyId, r.eventType])).toEqual([[region.id, 'invitation.created']]);
  });

  it('a reschedule bumps the version, replaces the reminders, tells every party and clears the RSVPs', async () => {
    const { sip } = await openSip(svc, [kommun, region, fk], { body: { nextFollowUpOn: null } });
    const called = await callMeeting(svc, kommun, sip.id, [kommun, region, fk]);
    const meeting = onlyMeeting(called);
    const regionInvitation = invitationOf(called, region);
    const answered = await svc.call(region, 'POST', `/v1/invitations/${regionInvitation.id}/response`, {
      answer: 'accepted',
      comment: 'Vi kommer två.',
    });
    expect(answered.status).toBe(200);
    const old = await outbox(svc, { meetingId: meeting.id });
    expect(old).toHaveLength(6);

    const startsAt = instantInDays(12);
    const response = await svc.call(fk, 'PATCH', `/v1/sips/${sip.id}/meetings/${meeting.id}`, {
      startsAt,
      durationMinutes: 60,
      agenda: ['Uppföljning'],
      interpreterLanguage: null,
    });
    expect(response.status).toBe(200);
    const view = SipSchema.parse(await response.json());
    const changed = onlyMeeting(view);
    expect(changed).toMatchObject({
      id: meeting.id,
      startsAt,
      durationMinutes: 60,
      agenda: ['Uppföljning'],
      interpreterLanguage: null,
      place: 'Stadshuset, rum 4',
      status: 'scheduled',
      version: 2,
    });
    for (const invitation of changed.invitations) {
      expect(invitation).toMatchObject({
        status: 'active',
        rsvp: null,
        proposedStartsAt: null,
        rsvpComment: null,
        respondedAt: null,
      });
    }
    for (const invitation of changed.invitations.filter((i) => i.party !== null)) {
      expect(invitation.delivery).toMatchObject({ eventType: 'invitation.updated', state: 'pending' });
    }

    const after = await outbox(svc, { meetingId: meeting.id });
    const oldIds = new Set(old.map((r) => r.id));
    expect(after.filter((r) => oldIds.has(r.id)).every((r) => r.state === 'cancelled')).toBe(true);
    const fresh = after.filter((r) => !oldIds.has(r.id));
    const updates = fresh.filter((r) => r.eventType === 'invitation.updated');
    const reminders = fresh.filter((r) => r.eventType === 'meeting.reminder');
    expect(fresh).toHaveLength(6);
    expect(updates.map((r) => r.partyId).sort()).toEqual([kommun.id, region.id, fk.id].sort());
    expect(reminders.map((r) => r.partyId).sort()).toEqual([kommun.id, region.id, fk.id].sort());
    for (const row of fresh) expect(row.state).toBe('pending');
    for (const row of reminders) expect(row.notBefore?.getTime()).toBe(Date.parse(startsAt) - 24 * hourMs);
    const [audit] = await auditRows(svc, 'meeting.rescheduled', sip.id);
    expect(audit).toMatchObject({ partyId: fk.id, details: { meetingId: meeting.id, version: 2 } });
  });

  it('a change of place alone also counts as a new version and is sent to every party', async () => {
    const { sip } = await openSip(svc, [kommun, region], { body: { nextFollowUpOn: null } });
    const meeting = onlyMeeting(await callMeeting(svc, kommun, sip.id, [kommun, region]));
    const response = await svc.call(kommun, 'PATCH', `/v1/sips/${sip.id}/meetings/${meeting.id}`, {
      place: null,
      videoLink: 'https://video.example.se/m/7',
    });
    expect(response.status).toBe(200);
    const changed = onlyMeeting(SipSchema.parse(await response.json()));
    expect(changed).toMatchObject({
      place: null,
      videoLink: 'https://video.example.se/m/7',
      startsAt: meeting.startsAt,
      version: 2,
    });
    expect(await outbox(svc, { meetingId: meeting.id, eventType: 'invitation.updated' })).toHaveLength(2);
  });

  it('a cancellation cancels the meeting, its invitations and reminders, and tells every party', async () => {
    const { sip } = await openSip(svc, [kommun, region, af], { body: { nextFollowUpOn: null } });
    const meeting = onlyMeeting(await callMeeting(svc, kommun, sip.id, [kommun, region, af]));
    const response = await svc.call(
      region,
      'POST',
      `/v1/sips/${sip.id}/meetings/${meeting.id}/cancellations`,
      {
        reason: 'Sjukdom',
      },
    );
    expect(response.status).toBe(200);
    const view = SipSchema.parse(await response.json());
    const cancelled = onlyMeeting(view);
    expect(cancelled).toMatchObject({ status: 'cancelled', version: 1 });
    expect(cancelled.invitations.map((i) => i.status)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    for (const invitation of cancelled.invitations.filter((i) => i.party !== null)) {
      expect(invitation.delivery).toMatchObject({ eventType: 'invitation.cancelled', state: 'pending' });
    }
    expect(view.phase).toBe('invitation_and_preparation');

    const rows = await outbox(svc, { meetingId: meeting.id });
    const byType = (type: string) => rows.filter((r) => r.eventType === type);
    expect(byType('meeting.reminder').map((r) => r.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(byType('invitation.created').map((r) => r.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(
      byType('invitation.cancelled')
        .map((r) => r.partyId)
        .sort(),
    ).toEqual([kommun.id, region.id, af.id].sort());
    for (const row of byType('invitation.cancelled'))
      expect(row).toMatchObject({ state: 'pending', notBefore: null });
    const [audit] = await auditRows(svc, 'meeting.cancelled', sip.id);
    expect(audit?.partyId).toBe(region.id);

    // A cancelled meeting is final.
    const again = await svc.call(
      region,
      'POST',
      `/v1/sips/${sip.id}/meetings/${meeting.id}/cancellations`,
      {},
    );
    await expectProblem(again, 409, 'illegal-transition');
  });
});

describe('invitations', () => {
  it('the invited party reads its invitation with the personnummer as 12 digits, audited invitation.read', async () => {
    const { sip, consent, personnummer } = await openSip(svc, [kommun, region, fk], {
      body: { nextFollowUpOn: null },
    });
    const view = await callMeeting(svc, kommun, sip.id, [kommun, region, fk], {
      personDisplayName: 'Kim',
    });
    const meeting = onlyMeeting(view);
    const invitation = invitationOf(view, fk);
    const response = await svc.call(fk, 'GET', `/v1/invitations/${invitation.id}`);
    expect(response.status).toBe(200);
    const read = InvitationSchema.parse(await response.json());
    expect(read.person.personnummer).toMatch(/^\d{12}$/);
    expect(read.person.personnummer).toBe(personnummer.replace('-', ''));
    expect(read).toMatchObject({
      id: invitation.id,
      sipId: sip.id,
      party: fk.id,
      role: 'handläggare',
      displayName: 'Handläggare 3',
      status: 'active',
      rsvp: null,
      person: { displayName: 'Kim' },
      meeting: {
        id: meeting.id,
        startsAt: meeting.startsAt,
        durationMinutes: 90,
        place: 'Stadshuset, rum 4',
        status: 'scheduled',
        version: 1,
      },
    });
    expect(read.meeting.participants).toEqual([
      { party: kommun.id, role: 'socialsekreterare', displayName: 'Handläggare 1' },
      { party: region.id, role: 'handläggare', displayName: 'Handläggare 2' },
      { party: fk.id, role: 'handläggare', displayName: 'Handläggare 3' },
      { party: null, role: 'den enskilde', displayName: 'Kim' },
    ]);
    const audits = await auditRows(svc, 'invitation.read', sip.id);
    expect(audits).toMatchObject([
      { partyId: fk.id, consentIds: [consent.id], details: { invitationId: invitation.id } },
    ]);
  });

  it('answers accepted, declined and proposes_new_time show in the SIP; the latest answer counts', async () => {
    const { sip } = await openSip(svc, [kommun, region, fk], { body: { nextFollowUpOn: null } });
    const called = await callMeeting(svc, kommun, sip.id, [kommun, region, fk]);
    const proposed = instantInDays(14);
    const answers: Array<[TestParty, Record<string, unknown>]> = [
      [kommun, { answer: 'declined' }],
      [kommun, { answer: 'accepted', comment: 'Kommer.' }],
      [region, { answer: 'declined', comment: 'Krock med mottagning.' }],
      [fk, { answer: 'proposes_new_time', proposedStartsAt: proposed.replace('Z', '+00:00') }],
    ];
    for (const [party, body] of answers) {
      const invitation = invitationOf(called, party);
      const response = await svc.call(party, 'POST', `/v1/invitations/${invitation.id}/response`, body);
      expect(response.status).toBe(200);
      const answered = InvitationSchema.parse(await response.json());
      expect(answered.rsvp).toBe(body.answer);
    }
    const view = await readSip(svc, region, sip.id);
    expect(invitationOf(view, kommun)).toMatchObject({
      rsvp: 'accepted',
      rsvpComment: 'Kommer.',
      proposedStartsAt: null,
    });
    expect(invitationOf(view, region)).toMatchObject({
      rsvp: 'declined',
      rsvpComment: 'Krock med mottagning.',
    });
    expect(invitationOf(view, fk)).toMatchObject({
      rsvp: 'proposes_new_time',
      proposedStartsAt: proposed,
      rsvpComment: null,
    });
    for (const party of [kommun, region, fk]) {
      expect(Date.now() - Date.parse(invitationOf(view, party).respondedAt ?? '')).toBeLessThan(60_000);
    }
    const [stored] = await svc.database.db
      .select()
      .from(invitations)
      .where(eq(invitations.id, invitationOf(view, fk).id));
    expect(stored?.respondedByOfficer).toBe('officer-1');
    expect(await auditRows(svc, 'invitation.answered', sip.id)).toHaveLength(4);
  });
});

describe('the phases', () => {
  it('run the whole legal path and close with a reason', async () => {
    const { sip, consent } = await openSip(svc, [kommun, region, fk]);
    let view = await callMeeting(svc, kommun, sip.id, [kommun, region, fk]);
    expect(view.phase).toBe('invitation_and_preparation');
    const path = [
      'meeting',
      'coordination',
      'follow_up',
      'coordination',
      'follow_up',
      'invitation_and_preparation',
      'meeting',
      'coordination',
      'invitation_and_preparation',
    ];
    for (const to of path) {
      view = await moveSip(svc, region, sip.id, to);
      expect(view.phase).toBe(to);
      expect(view.closureReason).toBeNull();
    }
    const transitions = await auditRows(svc, 'sip.transitioned', sip.id);
    expect(transitions.map((r) => r.details.to)).toEqual(path);
    expect(transitions[0]?.details).toMatchObject({ from: 'invitation_and_preparation', to: 'meeting' });

    // A follow-up meeting called from follow-up goes back to invitations.
    await moveSip(svc, region, sip.id, 'meeting');
    await moveSip(svc, region, sip.id, 'coordination');
    await moveSip(svc, region, sip.id, 'follow_up');
    view = await callMeeting(svc, fk, sip.id, [kommun, fk]);
    expect(view.phase).toBe('invitation_and_preparation');
    expect(view.meetings).toHaveLength(2);

    const open = await outbox(svc, { sipId: sip.id, state: 'pending' });
    expect(new Set(open.map((r) => r.eventType))).toEqual(
      new Set(['sip.follow_up_reminder', 'invitation.created', 'meeting.reminder']),
    );

    view = await moveSip(svc, kommun, sip.id, 'closure', 'goal_reached');
    expect(view).toMatchObject({ phase: 'closure', closureReason: 'goal_reached' });
    expect(Date.now() - Date.parse(view.closedAt ?? '')).toBeLessThan(60_000);
    expect(view.meetings.map((m) => m.status)).toEqual(['cancelled', 'cancelled']);
    for (const meeting of view.meetings) {
      for (const invitation of meeting.invitations) expect(invitation.status).toBe('cancelled');
    }

    const rows = await outbox(svc, { sipId: sip.id });
    for (const row of open) {
      expect(rows.find((r) => r.id === row.id)?.state).toBe('cancelled');
    }
    const closed = rows.filter((r) => r.eventType === 'sip.closed');
    expect(closed.map((r) => r.partyId).sort()).toEqual([kommun.id, region.id, fk.id].sort());
    for (const row of closed) expect(row).toMatchObject({ state: 'pending', payload: { sipId: sip.id } });
    expect(rows.filter((r) => r.state === 'pending')).toHaveLength(3);

    const [closing] = (await auditRows(svc, 'sip.transitioned', sip.id)).slice(-1);
    expect(closing).toMatchObject({
      partyId: kommun.id,
      consentIds: [consent.id],
      details: { to: 'closure', closureReason: 'goal_reached' },
    });
    // The closed SIP is still readable by its participants while the consent holds.
    expect(await readSip(svc, fk, sip.id)).toEqual(view);
  });

  it('can close from the very first phase', async () => {
    const { sip } = await openSip(svc, [kommun, region]);
    const view = await moveSip(svc, region, sip.id, 'closure', 'moved');
    expect(view).toMatchObject({ phase: 'closure', closureReason: 'moved' });
    const rows = await outbox(svc, { sipId: sip.id });
    expect(rows.filter((r) => r.eventType === 'sip.follow_up_reminder').map((r) => r.state)).toEqual([
      'cancelled',
      'cancelled',
    ]);
    expect(rows.filter((r) => r.eventType === 'sip.closed')).toHaveLength(2);
  });
});

describe('deliveries', () => {
  it('GET /v1/deliveries lists only the messages addressed to the caller, filtered by state', async () => {
    const own = await svc.party('kommun');
    const other = await svc.party('region');
    const { sip } = await openSip(svc, [own, other, fk], { body: { nextFollowUpOn: dateInDays(40) } });
    await callMeeting(svc, own, sip.id, [own, other, fk]);

    const response = await svc.call(own, 'GET', '/v1/deliveries?state=pending');
    expect(response.status).toBe(200);
    const list = DeliveryListSchema.parse(await response.json());
    const stored = await outbox(svc, { partyId: own.id });
    expect(stored).toHaveLength(3);
    expect(list.deliveries.map((d) => d.id).sort()).toEqual(stored.map((r) => r.id).sort());
    expect(list.page).toEqual({ limit: 50, page: 1, hasMore: false });
    for (const delivery of list.deliveries)
      expect(delivery).toMatchObject({ party: own.id, state: 'pending' });

    const none = DeliveryListSchema.parse(
      await (await svc.call(own, 'GET', '/v1/deliveries?state=dead')).json(),
    );
    expect(none.deliveries).toEqual([]);

    const paged = DeliveryListSchema.parse(
      await (await svc.call(own, 'GET', '/v1/deliveries?limit=2')).json(),
    );
    expect(paged.deliveries).toHaveLength(2);
    expect(paged.page).toEqual({ limit: 2, page: 1, hasMore: true });
    const rest = DeliveryListSchema.parse(
      await (await svc.call(own, 'GET', '/v1/deliveries?limit=2&page=2')).json(),
    );
    expect(rest.deliveries).toHaveLength(1);
    expect(rest.page.hasMore).toBe(false);
    expect(new Set([...paged.deliveries, ...rest.deliveries].map((d) => d.id)).size).toBe(3);

    const fkList = DeliveryListSchema.parse(
      await (await svc.call(fk, 'GET', '/v1/deliveries?state=pending&limit=500')).json(),
    );
    expect(fkList.deliveries.length).toBeGreaterThan(0);
    for (const delivery of fkList.deliveries)
      expect(delivery).toMatchObject({ party: fk.id, state: 'pending' });
  });

  it('a dead letter is re-driven (202, pending, next generation); anything else is 409 not-redrivable', async () => {
    const { sip } = await openSip(svc, [kommun, region], { body: { nextFollowUpOn: null } });
    await callMeeting(svc, kommun, sip.id, [kommun, region]);
    const [created] = await outbox(svc, {
      sipId: sip.id,
      eventType: 'invitation.created',
      partyId: region.id,
    });
    if (!created) throw new Error('no delivery');
    await svc.database.db
      .update(deliveries)
      .set({
        state: 'dead',
        attempts: 8,
        lastError: 'HTTP 500',
        lastAttemptAt: new Date(),
        relayedAt: new Date(),
      })
      .where(eq(deliveries.id, created.id));

    const dead = DeliveryListSchema.parse(
      await (await svc.call(region, 'GET', '/v1/deliveries?state=dead')).json(),
    );
    expect(dead.deliveries.map((d) => d.id)).toContain(created.id);

    const response = await svc.call(region, 'POST', `/v1/deliveries/${created.id}/redrives`);
    expect(response.status).toBe(202);
    const redriven = DeliverySchema.parse(await response.json());
    expect(redriven).toMatchObject({ id: created.id, state: 'pending', lastError: null, attempts: 8 });
    const [row] = await svc.database.db.select().from(deliveries).where(eq(deliveries.id, created.id));
    expect(row).toMatchObject({ state: 'pending', generation: created.generation + 1, relayedAt: null });
    const audits = await svc.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'delivery.redriven'));
    expect(audits.filter((a) => a.details.deliveryId === created.id)).toMatchObject([
      { partyId: region.id, details: { generation: created.generation + 1 } },
    ]);

    // Once pending again it cannot be re-driven a second time.
    const again = await svc.call(region, 'POST', `/v1/deliveries/${created.id}/redrives`);
    const problem = await expectProblem(again, 409, 'not-redrivable');
    expect(problem.detail).toContain('pending');

    // Another participant of the SIP may re-drive the dead letter too.
    await svc.database.db.update(deliveries).set({ state: 'dead' }).where(eq(deliveries.id, created.id));
    const byKommun = await svc.call(kommun, 'POST', `/v1/deliveries/${created.id}/redrives`);
    expect(byKommun.status).toBe(202);
    const [twice] = await svc.database.db.select().from(deliveries).where(eq(deliveries.id, created.id));
    expect(twice?.generation).toBe(created.generation + 2);

    for (const state of ['delivered', 'cancelled', 'queued', 'retrying'] as const) {
      await svc.database.db.update(deliveries).set({ state }).where(eq(deliveries.id, created.id));
      await expectProblem(
        await svc.call(region, 'POST', `/v1/deliveries/${created.id}/redrives`),
        409,
        'not-redrivable',
      );
    }
  });
});
