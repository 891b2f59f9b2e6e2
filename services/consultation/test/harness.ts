import { randomUUID } from 'node:crypto';
import {
  auditLog,
  consultationAdvice,
  consultationCases,
  consultationForums,
  consultationMeetings,
  deliveries,
  persons,
} from '@samsyn/db';
import { type Category, type ConsentPurpose, recoverableCells } from '@samsyn/domain';
import { ProblemSchema, type z } from '@samsyn/http';
import { createTestParty, type TestParty } from '@samsyn/testkit';
import { count } from 'drizzle-orm';
import { expect } from 'vitest';
import { startTestGateway, type TestGateway } from '../../gateway/test/harness';
import type { CaseSchema, ConsultationFiguresSchema, ForumMeetingSchema, ForumSchema } from '../src/schemas';

export type ForumView = z.infer<typeof ForumSchema>;
export type MeetingView = z.infer<typeof ForumMeetingSchema>;
export type CaseView = z.infer<typeof CaseSchema>;
export type Figures = z.infer<typeof ConsultationFiguresSchema>;

/** Every scope an agency system needs to take part in a forum, read statuses and record consents. */
export const agencyScopes =
  'whoami consultation:read consultation:write status:read status:write consent:read consent:write webhook:write';

export const dayMs = 86_400_000;

export interface World {
  gateway: TestGateway;
  kommun: TestParty;
  /** A second member kommun of the förbund. */
  kommun2: TestParty;
  region: TestParty;
  fk: TestParty;
  af: TestParty;
  forbund: TestParty;
  /** A kommun outside the förbund and every forum. */
  stranger: TestParty;
  token: (party: TestParty, scope?: string) => Promise<string>;
  call: (party: TestParty, method: string, path: string, body?: unknown) => Promise<Response>;
  close: () => Promise<void>;
}

/**
 * The real gateway (every service, the real token endpoint) on a fresh database: a förbund whose
 * members are two kommuner and a region, FK, AF, and a kommun outside it. Tokens are issued through
 * `/oauth2/token` and cached per party and scope.
 */
export async function startWorld(): Promise<World> {
  const gateway = await startTestGateway({ bodyLimitBytes: 64 * 1024 });
  const db = gateway.database.db;
  const kommun = await createTestParty(db, 'kommun', { displayName: 'Malmö stad (test)' });
  const kommun2 = await createTestParty(db, 'kommun');
  const region = await createTestParty(db, 'region');
  const fk = await createTestParty(db, 'fk', { displayName: 'Försäkringskassan' });
  const af = await createTestParty(db, 'af');
  const forbund = await createTestParty(db, 'forbund', { memberIds: [kommun.id, kommun2.id, region.id] });
  const stranger = await createTestParty(db, 'kommun');
  const tokens = new Map<string, Promise<string>>();
  const token = (party: TestParty, scope?: string) => {
    const wanted =
      scope ??
      (party.kind === 'forbund'
        ? 'whoami metrics:read'
        : party.kind === 'kommun'
          ? `${agencyScopes} metrics:read`
          : agencyScopes);
    const key = `${party.id} ${wanted}`;
    const cached = tokens.get(key) ?? gateway.tokenFor(party, wanted, `${party.id}-officer`);
    tokens.set(key, cached);
    return cached;
  };
  const call = async (party: TestParty, method: string, path: string, body?: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token(party)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    gateway,
    kommun,
    kommun2,
    region,
    fk,
    af,
    forbund,
    stranger,
    token,
    call,
    close: () => gateway.close(),
  };
}

/** A whole-minute instant this many days from now, as an RFC 3339 string in UTC. */
export function instantInDays(days: number): string {
  const at = new Date(Date.now() + days * dayMs);
  at.setUTCSeconds(0, 0);
  return at.toISOString();
}

export function forumBody(
  world: World,
  members: readonly TestParty[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: 'Konsultationsteam Söder',
    description: 'Ärenden om 0-placerade med ohälsa',
    forbund: world.forbund.id,
    members: members.map((party, i) => ({
      party: party.id,
      contacts: [
        {
          name: ['Maja Lindqvist', 'Omar Said', 'Greta Wiklund', 'Tove Blom'][i] ?? 'Kontaktperson',
          role: party.kind === 'fk' ? 'Specialist sjukförsäkring' : 'Kontaktperson',
          email: `kontakt${i}@example.se`,
          phone: '010-116 00 00',
        },
      ],
    })),
    rhythm: 'monthly',
    durationMinutes: 180,
    place: 'Stadsområde Söder, rum 2',
    videoLink: null,
    ...overrides,
  };
}

/** Creates a forum as the first member (its convener unless told otherwise); 201 expected. */
export async function createForum(
  world: World,
  members: readonly TestParty[],
  overrides: Record<string, unknown> = {},
): Promise<ForumView> {
  const [creator] = members;
  if (!creator) throw new Error('a forum needs members');
  const response = await world.call(creator, 'POST', '/v1/forums', forumBody(world, members, overrides));
  if (response.status !== 201) throw new Error(`create forum: ${response.status} ${await response.text()}`);
  return (await response.json()) as ForumView;
}

export async function callMeeting(
  world: World,
  convener: TestParty,
  forumId: string,
  body: Record<string, unknown>,
): Promise<MeetingView> {
  const response = await world.call(convener, 'POST', `/v1/forums/${forumId}/meetings`, body);
  if (response.status !== 201) throw new Error(`call meeting: ${response.status} ${await response.text()}`);
  return (await response.json()) as MeetingView;
}

export function anonymisedCase(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'anonymised',
    category: 'sickness_compensation',
    question:
      'Kvinna född på 60-talet, avslag på sjukersättning för tre år sedan, inga insatser sedan dess. ' +
      'Finns det förutsättningar för en ny ansökan, eller bör vi fokusera på rehabilitering?',
    ageBand: '55-65',
    sex: 'female',
    household: 'single_no_children',
    assistanceDuration: '6-11',
    ...overrides,
  };
}

export async function raiseCase(
  world: World,
  party: TestParty,
  forumId: string,
  body: Record<string, unknown>,
): Promise<CaseView> {
  const response = await world.call(party, 'POST', `/v1/forums/${forumId}/cases`, body);
  if (response.status !== 201) throw new Error(`raise case: ${response.status} ${await response.text()}`);
  return (await response.json()) as CaseView;
}

/** Records a consent through the consent API, as the recording agency's system would. */
export async function recordConsent(
  world: World,
  recorder: TestParty,
  terms: {
    personnummer: string;
    parties: string[];
    purposes?: ConsentPurpose[];
    categories?: Category[];
    validUntil?: string;
  },
): Promise<string> {
  const response = await world.call(recorder, 'POST', '/v1/consents', {
    personnummer: terms.personnummer,
    givenBy: { kind: 'person' },
    parties: terms.parties,
    categories: terms.categories ?? ['assistance', 'insurance', 'certificate'],
    purposes: terms.purposes ?? ['consultation'],
    validFrom: new Date(Date.now() - dayMs).toISOString(),
    validUntil: terms.validUntil ?? new Date(Date.now() + 365 * dayMs).toISOString(),
    form: 'written',
    evidenceReference: 'Treserva dok 2026-4711',
    plainLanguageText:
      'Jag samtycker till att mitt ärende tas upp i konsultationsteamet och att parterna där delar uppgifter.',
    legalBasis: 'public-task-social-protection',
  });
  if (response.status !== 201) throw new Error(`consent: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { consent?: { id?: string }; id?: string };
  const id = body.consent?.id ?? body.id;
  if (!id) throw new Error('the consent answer named no id');
  return id;
}

/** Checks the response is an application/problem+json of the given status and type, and returns it. */
export async function expectProblem(response: Response, status: number, type: string) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = ProblemSchema.parse(JSON.parse(text));
  expect(problem.type).toBe(`urn:samsyn:problem:${type}`);
  return problem;
}

/** Rows in every table a consultation request may write: a refusal must leave them all alone. */
export async function storedCounts(world: World) {
  const db = world.gateway.database.db;
  const tables = {
    forums: consultationForums,
    meetings: consultationMeetings,
    cases: consultationCases,
    advice: consultationAdvice,
    deliveries,
    audit: auditLog,
    persons,
  };
  const entries = await Promise.all(
    Object.entries(tables).map(async ([name, table]) => {
      const [row] = await db.select({ n: count() }).from(table);
      return [name, row?.n ?? 0] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** No published additive table lets a hidden cell be worked out from its total and the others. */
export function expectNothingRecoverable(figures: Figures) {
  for (const table of figures.tables) {
    if (table.type !== 'additive') continue;
    const recoverable = recoverableCells({
      key: table.key,
      title: table.title,
      total: table.total,
      totalSuppressed: table.totalSuppressed,
      cells: table.cells,
    });
    expect(recoverable, table.key).toEqual([]);
  }
}

export const unknownId = (): string => randomUUID();
