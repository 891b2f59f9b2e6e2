import { randomUUID } from 'node:crypto';
import {
  auditLog,
  type Consent,
  type Delivery,
  deliveries,
  invitations,
  meetings,
  persons,
  sips,
} from '@samsyn/db';
import { ProblemSchema, type z } from '@samsyn/http';
import {
  createTestConsent,
  startTestService,
  type TestConsentOptions,
  type TestParty,
  type TestService,
  testPersonnummer,
} from '@samsyn/testkit';
import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import { expect } from 'vitest';
import { createApp, serviceDescription, serviceName } from '../src/app';
import { SipSchema } from '../src/schemas';

export type SipView = z.infer<typeof SipSchema>;
export type Problem = z.infer<typeof ProblemSchema>;

const dayMs = 86_400_000;

export function startSip(): Promise<TestService> {
  return startTestService({ name: serviceName, description: serviceDescription, createApp });
}

/** A calendar date (YYYY-MM-DD, UTC) this many days from now. */
export function dateInDays(days: number): string {
  return new Date(Date.now() + days * dayMs).toISOString().slice(0, 10);
}

/** A whole-minute instant this many days from now, as an RFC 3339 string in UTC. */
export function instantInDays(days: number): string {
  const at = new Date(Date.now() + days * dayMs);
  at.setUTCSeconds(0, 0);
  return at.toISOString();
}

/** When the follow-up reminders for a date go out: 08:00 UTC a week before. */
export function followUpReminderAt(date: string): Date {
  return new Date(Date.parse(`${date}T08:00:00Z`) - 7 * dayMs);
}

/** A valid body for POST /v1/sips; the opener must be among the participants. */
export function openSipBody(
  personnummer: string,
  consentId: string,
  participants: readonly TestParty[],
  overrides: Record<string, unknown> = {},
) {
  const [principal, second] = participants;
  if (!principal || !second) throw new Error('a SIP needs two participants');
  return {
    personnummer,
    consentId,
    participants: participants.map((p) => p.id),
    principal: principal.id,
    coordinator: { party: principal.id, name: 'Anna Lind, socialsekreterare' },
    needs: ['Stöd att hitta ett arbete', 'Samordnad vård'],
    goals: [
      {
        description: 'Arbetsträning tre dagar i veckan',
        measure: 'Närvaro enligt schema',
        targetDate: dateInDays(180),
        responsibleParty: second.id,
        acceptedByPerson: true,
      },
    ],
    actions: [
      {
        responsibleParty: principal.id,
        description: 'Boka samtal med arbetsterapeut',
        dueOn: dateInDays(30),
        status: 'planned',
      },
      {
        responsibleParty: second.id,
        description: 'Utreda arbetsförmåga',
        dueOn: dateInDays(60),
        status: 'in_progress',
      },
    ],
    nextFollowUpOn: dateInDays(30),
    ...overrides,
  };
}

/** A valid body for POST /v1/sips/{id}/meetings inviting the given parties. */
export function meetingBody(parties: readonly TestParty[], overrides: Record<string, unknown> = {}) {
  return {
    startsAt: instantInDays(10),
    durationMinutes: 90,
    place: 'Stadshuset, rum 4',
    videoLink: null,
    interpreterLanguage: 'ar',
    agenda: ['Nuläge', 'Mål och insatser'],
    participants: parties.map((p, i) => ({
      party: p.id,
      role: i === 0 ? 'socialsekreterare' : 'handläggare',
      displayName: `Handläggare ${i + 1}`,
    })),
    personDisplayName: 'Den enskilde',
    ...overrides,
  };
}

export interface OpenedSip {
  sip: SipView;
  consent: Consent;
  personnummer: string;
}

/**
 * Stores a consent for a fresh person naming the participants (or `consent.parties`) and opens a SIP
 * under it as the first participant.
 */
export async function openSip(
  svc: TestService,
  participants: readonly TestParty[],
  options: {
    consent?: Partial<Omit<TestConsentOptions, 'personnummer'>>;
    body?: Record<string, unknown>;
    personnummer?: string;
  } = {},
): Promise<OpenedSip> {
  const [opener] = participants;
  if (!opener) throw new Error('a SIP needs participants');
  const personnummer = options.personnummer ?? testPersonnummer();
  const consent = await createTestConsent(svc.database.db, svc.deps.persons, {
    personnummer,
    parties: participants.map((p) => p.id),
    categories: ['care'],
    purposes: ['sip'],
    ...options.consent,
  });
  const response = await svc.call(
    opener,
    'POST',
    '/v1/sips',
    openSipBody(personnummer, consent.id, participants, options.body),
  );
  if (response.status !== 201) throw new Error(`open SIP: ${response.status} ${await response.text()}`);
  return { sip: SipSchema.parse(await response.json()), consent, personnummer };
}

/** Calls a meeting as `caller`, inviting `invited` (default: every participant of the SIP passed). */
export async function callMeeting(
  svc: TestService,
  caller: TestParty,
  sipId: string,
  invited: readonly TestParty[],
  overrides: Record<string, unknown> = {},
): Promise<SipView> {
  const response = await svc.call(
    caller,
    'POST',
    `/v1/sips/${sipId}/meetings`,
    meetingBody(invited, overrides),
  );
  if (response.status !== 201) throw new Error(`call meeting: ${response.status} ${await response.text()}`);
  return SipSchema.parse(await response.json());
}

/** The SIP as `party` reads it (GET /v1/sips/{id}, 200 expected). */
export async function readSip(svc: TestService, party: TestParty, sipId: string): Promise<SipView> {
  const response = await svc.call(party, 'GET', `/v1/sips/${sipId}`);
  expect(response.status).toBe(200);
  return SipSchema.parse(await response.json());
}

/** Moves the SIP to `to` (200 expected). */
export async function moveSip(
  svc: TestService,
  party: TestParty,
  sipId: string,
  to: string,
  closureReason?: string,
): Promise<SipView> {
  const response = await svc.call(party, 'POST', `/v1/sips/${sipId}/transitions`, {
    to,
    ...(closureReason ? { closureReason } : {}),
  });
  if (response.status !== 200) throw new Error(`transition: ${response.status} ${await response.text()}`);
  return SipSchema.parse(await response.json());
}

/** Rows in every table the SIP service writes, to prove a refused request stored nothing. */
export async function storedCounts(svc: TestService) {
  const db = svc.database.db;
  const [[sipRows], [meetingRows], [invitationRows], [deliveryRows], [auditRows], [personRows]] =
    await Promise.all([
      db.select({ n: count() }).from(sips),
      db.select({ n: count() }).from(meetings),
      db.select({ n: count() }).from(invitations),
      db.select({ n: count() }).from(deliveries),
      db.select({ n: count() }).from(auditLog),
      db.select({ n: count() }).from(persons),
    ]);
  return {
    sips: sipRows?.n,
    meetings: meetingRows?.n,
    invitations: invitationRows?.n,
    deliveries: deliveryRows?.n,
    audit: auditRows?.n,
    persons: personRows?.n,
  };
}

/**
 * The whole state a refused request must leave alone: the row counts plus every row's state and
 * content that a change would touch (phases, meeting versions, RSVPs, delivery states).
 */
export async function storedState(svc: TestService) {
  const db = svc.database.db;
  const [sipRows, meetingRows, invitationRows, deliveryRows] = await Promise.all([
    db.select().from(sips).orderBy(asc(sips.id)),
    db.select().from(meetings).orderBy(asc(meetings.id)),
    db.select().from(invitations).orderBy(asc(invitations.id)),
    db.select({ id: deliveries.id, state: deliveries.state }).from(deliveries).orderBy(asc(deliveries.id)),
  ]);
  return {
    counts: await storedCounts(svc),
    sips: sipRows,
    meetings: meetingRows,
    invitations: invitationRows,
    deliveries: deliveryRows,
  };
}

/** Outbox rows matching the filter, oldest first. */
export async function outbox(
  svc: TestService,
  filter: {
    sipId?: string;
    meetingId?: string;
    eventType?: string;
    state?: Delivery['state'];
    partyId?: string;
  },
): Promise<Delivery[]> {
  const conditions: SQL[] = [];
  if (filter.sipId) conditions.push(eq(deliveries.sipId, filter.sipId));
  if (filter.meetingId) conditions.push(eq(deliveries.meetingId, filter.meetingId));
  if (filter.eventType) conditions.push(eq(deliveries.eventType, filter.eventType));
  if (filter.state) conditions.push(eq(deliveries.state, filter.state));
  if (filter.partyId) conditions.push(eq(deliveries.partyId, filter.partyId));
  return svc.database.db
    .select()
    .from(deliveries)
    .where(and(...conditions))
    .orderBy(asc(deliveries.createdAt), asc(deliveries.id));
}

/** Audit rows of an action about a SIP (details.sipId). */
export async function auditRows(svc: TestService, action: string, sipId: string) {
  const rows = await svc.database.db.select().from(auditLog).where(eq(auditLog.action, action));
  return rows.filter((row) => row.details.sipId === sipId);
}

/** Checks the response is an application/problem+json of the given status and type, and returns it. */
export async function expectProblem(response: Response, status: number, type: string): Promise<Problem> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = ProblemSchema.parse(JSON.parse(text));
  expect(problem.type).toBe(`urn:samsyn:problem:${type}`);
  return problem;
}

/** A uuid nothing in the database has. */
export const unknownId = (): string => randomUUID();
