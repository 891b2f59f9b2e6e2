import {
  createTestConsent,
  createTestParty,
  type TestParty,
  testPersonnummer,
  type WebhookReceiver,
} from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allScopes,
  callApi,
  dispatcherSettings,
  startDispatcher,
  startTestGateway,
  type TestGateway,
  withReceiver,
} from './sip-harness';

/**
 * A kallelse to four parties over real HTTP and real Redis: the SIP service writes the outbox, the
 * dispatcher relays it to BullMQ and delivers signed webhooks to four receivers; the parties fetch
 * their invitations, answer, and see each other's answers; a withdrawal of consent closes it all.
 */
let gateway: TestGateway;
let dispatcher: ReturnType<typeof startDispatcher>;
const parties: Record<'kommun' | 'region' | 'fk' | 'af', TestParty> = {} as never;
const receivers: Record<string, WebhookReceiver> = {};
const tokens: Record<string, string> = {};
const personnummer = testPersonnummer();

beforeAll(async () => {
  gateway = await startTestGateway();
  for (const kind of ['kommun', 'region', 'fk', 'af'] as const) {
    parties[kind] = await createTestParty(gateway.database.db, kind);
    receivers[kind] = await withReceiver(gateway, parties[kind]);
    tokens[kind] = await gateway.tokenFor(parties[kind], allScopes, `${kind}-officer`);
  }
  dispatcher = startDispatcher(dispatcherSettings(gateway));
});
afterAll(async () => {
  await dispatcher.stop();
  for (const receiver of Object.values(receivers)) await receiver.close();
  await gateway.close();
});

const inTwoDays = () => new Date(Date.now() + 2 * 86_400_000).toISOString();

describe('a SIP meeting called for four parties', () => {
  let sipId = '';
  let consentId = '';

  it('is delivered to all four, signed with each party’s own secret', async () => {
    const consent = await createTestConsent(gateway.database.db, gatewayVault(), {
      personnummer,
      parties: Object.values(parties).map((p) => p.id),
      categories: ['assistance', 'care'],
      purposes: ['sip'],
    });
    consentId = consent.id;
    const opened = await callApi(gateway, tokens.kommun ?? '', 'POST', '/v1/sips', {
      personnummer,
      consentId,
      participants: Object.values(parties).map((p) => p.id),
      principal: parties.kommun.id,
      coordinator: { party: parties.kommun.id, name: 'Anna Lind, socialsekreterare' },
      needs: ['Samordnade insatser mellan vård och socialtjänst'],
      goals: [],
      actions: [],
    });
    expect(opened.status).toBe(201);
    sipId = String(opened.body.id);
    const called = await callApi(gateway, tokens.kommun ?? '', 'POST', `/v1/sips/${sipId}/meetings`, {
      startsAt: inTwoDays(),
      durationMinutes: 90,
      place: 'Stadshuset, rum 4',
      agenda: ['Nuläge', 'Behov', 'Vem gör vad'],
      participants: [
        { party: parties.kommun.id, role: 'socialsekreterare', displayName: 'Anna Lind' },
        { party: parties.region.id, role: 'rehabkoordinator', displayName: 'Omar Said' },
        { party: parties.fk.id, role: 'handläggare', displayName: 'Eva Berg' },
        { party: parties.af.id, role: 'arbetsförmedlare', displayName: 'Jonas Ek' },
      ],
    });
    expect(called.status).toBe(201);
    expect(called.body.phase).toBe('invitation_and_preparation');
    for (const receiver of Object.values(receivers)) {
      await expect.poll(() => receiver.ofType('invitation.created').length, { timeout: 10_000 }).toBe(1);
    }
    // Every message verified with its receiver's own secret; none carried anything but ids.
    for (const receiver of Object.values(receivers)) {
      expect(receiver.received.every((message) => message.verified)).toBe(true);
      const [message] = receiver.ofType('invitation.created');
      expect(Object.keys(message?.data ?? {}).sort()).toEqual(['invitationId', 'meetingId', 'sipId']);
      expect(JSON.stringify(message)).not.toContain(personnummer.slice(2, 8));
    }
  });

  it('lets each party fetch its invitation, with the personnummer, and answer; the SIP shows the answers', async () => {
    const answers = {
      kommun: 'accepted',
      region: 'accepted',
      fk: 'declined',
      af: 'proposes_new_time',
    } as const;
    for (const kind of ['kommun', 'region', 'fk', 'af'] as const) {
      const [message] = receivers[kind]?.ofType('invitation.created') ?? [];
      const invitationId = String(message?.data.invitationId);
      const invitation = await callApi(gateway, tokens[kind] ?? '', 'GET', `/v1/invitations/${invitationId}`);
      expect(invitation.status).toBe(200);
      expect(invitation.body).toMatchObject({
        party: parties[kind].id,
        person: { personnummer: personnummer.replace('-', '') },
      });
      // Someone else's invitation does not exist for you.
      const other = kind === 'kommun' ? 'region' : 'kommun';
      expect(
        (await callApi(gateway, tokens[other] ?? '', 'GET', `/v1/invitations/${invitationId}`)).status,
      ).toBe(404);
      const answer = answers[kind];
      const responded = await callApi(
        gateway,
        tokens[kind] ?? '',
        'POST',
        `/v1/invitations/${invitationId}/response`,
        {
          answer,
          ...(answer === 'proposes_new_time' ? { proposedStartsAt: inTwoDays() } : {}),
        },
      );
      expect(responded.status).toBe(200);
    }
    const sip = await callApi(gateway, tokens.region ?? '', 'GET', `/v1/sips/${sipId}`);
    expect(sip.status).toBe(200);
    const [meeting] = sip.body.meetings as Array<{
      invitations: Array<{
        party: string | null;
        rsvp: string | null;
        delivery: { state: string; attempts: number } | null;
      }>;
    }>;
    const byParty = Object.fromEntries((meeting?.invitations ?? []).map((i) => [i.party ?? 'person', i]));
    for (const kind of ['kommun', 'region', 'fk', 'af'] as const) {
      expect(byParty[parties[kind].id]).toMatchObject({
        rsvp: answers[kind],
        delivery: { state: 'delivered', attempts: 1 },
      });
    }
    expect(byParty.person).toMatchObject({ rsvp: null, delivery: null });
  });

  it('closes, cancels and notifies everyone when the consent is withdrawn; each party acknowledges', async () => {
    const revoked = await callApi(gateway, tokens.fk ?? '', 'POST', `/v1/consents/${consentId}/revocation`, {
      reason: 'Personen återkallade samtycket.',
    });
    expect(revoked.status).toBe(200);
    // The SIP is closed and its plan no longer readable: the consent was what let the parties share it.
    expect((await callApi(gateway, tokens.kommun ?? '', 'GET', `/v1/sips/${sipId}`)).status).toBe(404);
    for (const receiver of Object.values(receivers)) {
      await expect.poll(() => receiver.ofType('consent.withdrawn').length, { timeout: 10_000 }).toBe(1);
    }
    for (const kind of ['kommun', 'region', 'fk', 'af'] as const) {
      const ack = await callApi(
        gateway,
        tokens[kind] ?? '',
        'POST',
        `/v1/consents/${consentId}/revocation/acknowledgements`,
      );
      expect(ack.status).toBe(200);
    }
    const consent = await callApi(gateway, tokens.kommun ?? '', 'GET', `/v1/consents/${consentId}`);
    const notices = consent.body.withdrawalNotices as Array<{ party: string; acknowledgedAt: string | null }>;
    expect(notices.map((n) => n.party).sort()).toEqual(
      Object.values(parties)
        .map((p) => p.id)
        .sort(),
    );
    expect(notices.every((n) => n.acknowledgedAt !== null)).toBe(true);
    const rows = await gateway.database.sql`select phase, closure_reason from sips where id = ${sipId}`;
    expect(rows[0]).toMatchObject({ phase: 'closure', closure_reason: 'consent_withdrawn' });
    const open = await gateway.database.sql`
      select count(*)::int as n from deliveries where sip_id = ${sipId} and state in ('pending', 'queued', 'retrying')`;
    expect(open[0]?.n).toBe(0);
    const reminders = await gateway.database.sql`
      select state from deliveries where sip_id = ${sipId} and event_type = 'meeting.reminder'`;
    expect(reminders.length).toBe(4);
    expect(reminders.every((r) => r.state === 'cancelled')).toBe(true);
  });
});

function gatewayVault() {
  return gateway.persons;
}
