import { randomUUID } from 'node:crypto';
import { signAssertion } from '@samsyn/client';
import { type Category, parsePersonNumber } from '@samsyn/domain';
import {
  createTestCitizenIssuer,
  createTestParty,
  exampleStatusEvent,
  type TestParty,
} from '@samsyn/testkit';
import type { JWK } from 'jose';
import { jwtBearer } from '../../services/gateway/test/harness';
import { allScopes, startTestGateway, type TestGateway } from './sip-harness';

/**
 * The world of the authorisation matrix: one real gateway, one party of every kind (and a second
 * kommun to be the "other party"), a förbund with the kommun as member, real tokens from the token
 * endpoint, and a citizen e-ID issuer. Persons are created per cell by the test itself.
 */
export const partyNames = ['kommun', 'kommun2', 'region', 'fk', 'af', 'forbund'] as const;
export type PartyName = (typeof partyNames)[number];

/** The requesting party kinds of the matrix; each is played by the party of the same name. */
export const requesterKinds = ['kommun', 'region', 'fk', 'af', 'forbund'] as const;
export type RequesterKind = (typeof requesterKinds)[number];

/** What each owner party publishes when the person's data is "present". */
export const publications = {
  kommun: ['assistance'],
  region: ['care', 'certificate'],
  fk: ['insurance'],
  af: ['employment'],
} as const satisfies Partial<Record<PartyName, readonly Category[]>>;
export type Publisher = keyof typeof publications;

/** Every category some publisher writes in "data present": what the status queries ask for. */
export const publishedCategories: Category[] = Object.values(publications).flat();

export interface Matrix {
  gateway: TestGateway;
  party: Record<PartyName, TestParty>;
  token: Record<PartyName, string>;
  issuer: { id: string; privateJwk: JWK };
}

export async function startMatrix(): Promise<Matrix> {
  const gateway = await startTestGateway({ bodyLimitBytes: 1024 * 1024 });
  const db = gateway.database.db;
  const kommun = await createTestParty(db, 'kommun');
  const party: Record<PartyName, TestParty> = {
    kommun,
    kommun2: await createTestParty(db, 'kommun'),
    region: await createTestParty(db, 'region'),
    fk: await createTestParty(db, 'fk'),
    af: await createTestParty(db, 'af'),
    forbund: await createTestParty(db, 'forbund', { memberIds: [kommun.id] }),
  };
  const scopesOf: Record<PartyName, string> = {
    kommun: `${allScopes} metrics:read`,
    kommun2: allScopes,
    region: allScopes,
    fk: allScopes,
    af: allScopes,
    // A förbund can only ever get these (scopesByPartyKind); the test proves it separately.
    forbund: 'whoami metrics:read',
  };
  const entries = await Promise.all(
    partyNames.map(
      async (name) =>
        [name, await gateway.tokenFor(party[name], scopesOf[name], `matrix-${name}-officer`)] as const,
    ),
  );
  const token = Object.fromEntries(entries) as Record<PartyName, string>;
  const issuer = await createTestCitizenIssuer(db);
  return { gateway, party, token, issuer };
}

/** A real citizen token for the person, through the token endpoint with an e-ID assertion. */
export async function citizenToken(m: Matrix, personnummer: string): Promise<string> {
  const assertion = await signAssertion({
    issuer: m.issuer.id,
    subject: personnummer,
    audience: m.gateway.tokenEndpoint,
    privateJwk: m.issuer.privateJwk,
  });
  const response = await m.gateway.requestToken({
    grant_type: jwtBearer,
    assertion,
    scope: 'whoami self:read self:write',
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no citizen token: ${response.status}`);
  return body.access_token;
}

export interface Reply {
  status: number;
  /** The body exactly as sent: withheld answers are compared on this, ignoring nothing. */
  text: string;
}

export async function send(
  m: Matrix,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(`${m.gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

export function parse(reply: Reply): unknown {
  try {
    return JSON.parse(reply.text);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function recordsIn(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/**
 * A problem body without the two members that differ per request by design (`requestId`, and
 * `instance`, the path with the id asked for); everything else must be identical.
 */
export function problemShape(reply: Reply): string {
  const body = parse(reply);
  if (!isRecord(body)) return `${reply.status} ${reply.text}`;
  const { requestId: _requestId, instance: _instance, ...rest } = body;
  return `${reply.status} ${JSON.stringify(rest)}`;
}

/** Every form the person could leak in: as written, 12 and 10 digits (with and without '-'), and the HMAC key. */
export function personNeedles(m: Matrix, written: string): { numbers: string[]; key: string } {
  const parsed = parsePersonNumber(written);
  if (!parsed.ok) throw new Error('not a valid test personnummer');
  const twelve = parsed.value.normalised;
  const ten = twelve.slice(2);
  return {
    numbers: [
      ...new Set([
        written,
        twelve,
        ten,
        `${ten.slice(0, 6)}-${ten.slice(6)}`,
        `${twelve.slice(0, 8)}-${ten.slice(6)}`,
      ]),
    ],
    key: m.gateway.persons.keyOf(twelve),
  };
}

export interface Published {
  party: string;
  category: Category;
}

/** Publishes the person's statuses from every owner party: the region as a batch, the others one by one. */
export async function publishStatuses(m: Matrix, personnummer: string, effectiveDate: string) {
  const published: Published[] = [];
  await Promise.all(
    (Object.keys(publications) as Publisher[]).map(async (publisher) => {
      const categories: readonly Category[] = publications[publisher];
      const events = categories.map((category) => exampleStatusEvent(personnummer, category, effectiveDate));
      const token = m.token[publisher];
      const idempotency = { 'idempotency-key': `matrix-${randomUUID()}` };
      const reply =
        events.length === 1
          ? await send(m, token, 'POST', '/v1/status-events', events[0], idempotency)
          : await send(m, token, 'POST', '/v1/status-events/batch', { events }, idempotency);
      if (reply.status !== 201)
        throw new Error(`${publisher} could not publish: ${reply.status} ${reply.text}`);
      for (const category of categories) published.push({ party: m.party[publisher].id, category });
    }),
  );
  return published;
}

export interface SipFixture {
  id: string;
  participants: string[];
  /** Every invitation of the meeting: one per participating party, and the person's (party null). */
  invitations: Array<{ id: string; party: string | null }>;
}

/** Opens a SIP under the consent through the API and calls a meeting inviting every participant. */
export async function openSipWithMeeting(
  m: Matrix,
  input: { personnummer: string; consentId: string; participants: string[]; opener: PartyName },
): Promise<SipFixture> {
  const opener = m.party[input.opener].id;
  const token = m.token[input.opener];
  const opened = await send(m, token, 'POST', '/v1/sips', {
    personnummer: input.personnummer,
    consentId: input.consentId,
    participants: input.participants,
    principal: opener,
    coordinator: { party: opener, name: 'Samordnare' },
    needs: ['Samordning'],
  });
  const sip = parse(opened);
  if (opened.status !== 201 || !isRecord(sip)) throw new Error(`no SIP: ${opened.status} ${opened.text}`);
  const id = String(sip.id);
  const called = await send(m, token, 'POST', `/v1/sips/${id}/meetings`, {
    startsAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    durationMinutes: 60,
    place: 'Stadshuset',
    agenda: ['Nuläge'],
    participants: input.participants.map((party) => ({
      party,
      role: 'handläggare',
      displayName: 'Handläggare',
    })),
  });
  const view = parse(called);
  if (called.status !== 201 || !isRecord(view))
    throw new Error(`no meeting: ${called.status} ${called.text}`);
  const invitations = recordsIn(view.meetings).flatMap((meeting) =>
    recordsIn(meeting.invitations).map((invitation) => ({
      id: String(invitation.id),
      party: typeof invitation.party === 'string' ? invitation.party : null,
    })),
  );
  if (invitations.length !== input.participants.length + 1)
    throw new Error(`expected ${input.participants.length + 1} invitations, got ${invitations.length}`);
  return { id, participants: input.participants, invitations };
}

/** Runs `work` over the items, at most `size` at a time. */
export async function inPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await work(item);
      }
    }),
  );
}

/** Counts what was tried per route and collects every leak and every failed control, by cell. */
export class Ledger {
  readonly tried = new Map<string, number>();
  readonly leaks: string[] = [];
  readonly controls: string[] = [];

  count(route: string) {
    this.tried.set(route, (this.tried.get(route) ?? 0) + 1);
  }

  leak(cell: string, route: string, what: string) {
    this.leaks.push(`${cell} ${route}: ${what}`);
  }

  /** A control that did not hold: the matrix would then prove nothing for that cell. */
  control(cell: string, route: string, what: string) {
    this.controls.push(`${cell} ${route}: ${what}`);
  }

  /** Records a leak if the body holds the person's number in any form or their person key. */
  scan(
    cell: string,
    route: string,
    reply: Reply,
    needles: { numbers: string[]; key: string },
    numberAllowed = false,
  ) {
    if (reply.text.includes(needles.key)) this.leak(cell, route, 'the body holds the person key');
    if (numberAllowed) return;
    const found = needles.numbers.filter((form) => reply.text.includes(form));
    if (found.length > 0) this.leak(cell, route, `the body holds the personnummer (${found.length} form(s))`);
  }

  get total() {
    let n = 0;
    for (const count of this.tried.values()) n += count;
    return n;
  }
}
