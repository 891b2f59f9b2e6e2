import { randomUUID } from 'node:crypto';
import { type Consent, consents } from '@samsyn/db';
import { redactPersonNumbers } from '@samsyn/domain';
import { createTestConsent, type TestConsentOptions, testPersonnummer } from '@samsyn/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  citizenToken,
  inPool,
  isRecord,
  Ledger,
  type Matrix,
  openSipWithMeeting,
  type PartyName,
  type Published,
  parse,
  personNeedles,
  problemShape,
  publishedCategories,
  publishStatuses,
  type Reply,
  type RequesterKind,
  recordsIn,
  requesterKinds,
  type SipFixture,
  send,
  startMatrix,
} from './matrix-harness';

/**
 * The authorisation matrix: for every route that touches personal data, every requesting party kind
 * × every consent state × the person's data present or absent. Only the valid consent (the control)
 * may show anything, and only what it covers; every other cell must answer exactly as for a person
 * never seen (or an id that does not exist), so nothing can be learnt from the difference.
 */
const consentStates = [
  'none',
  'other_purpose',
  'other_category',
  'other_party',
  'not_yet_valid',
  'expired',
  'revoked',
  'valid',
] as const;
type ConsentStateName = (typeof consentStates)[number];
const dataStates = ['present', 'absent'] as const;

/** States in which a SIP is opened (under the consent while it was valid) before the state is applied. */
const sipStates = new Set<ConsentStateName>(['valid', 'other_party', 'expired', 'revoked']);

interface Cell {
  requester: RequesterKind;
  state: ConsentStateName;
  data: (typeof dataStates)[number];
  name: string;
}

const cells: Cell[] = requesterKinds.flatMap((requester) =>
  consentStates.flatMap((state) =>
    dataStates.map((data) => ({ requester, state, data, name: `${requester}/${state}/data-${data}` })),
  ),
);

const day = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * day).toISOString().slice(0, 10);
const today = isoDay(0);
const effectiveDate = isoDay(-20);
const purpose = 'sip';

const routes = {
  statuses: 'POST /v1/status-queries',
  timeline: 'POST /v1/status-timeline-queries',
  consentQuery: 'POST /v1/consent-queries',
  consent: 'GET /v1/consents/{id}',
  sip: 'GET /v1/sips/{id}',
  sipUpdate: 'PATCH /v1/sips/{id}',
  invitation: 'GET /v1/invitations/{id}',
  invitationAnswer: 'POST /v1/invitations/{id}/response',
  revocation: 'POST /v1/consents/{id}/revocation',
  meConsents: 'GET /v1/me/consents',
  meConsent: 'GET /v1/me/consents/{id}(/receipt)',
  meLog: 'GET /v1/me/access-log',
  meRepresentations: 'GET /v1/me/representations',
  metrics: 'GET /v1/metrics/* (JSON and CSV)',
  auditReview: 'GET /v1/audit-reviews',
  forbundToken: 'POST /oauth2/token (förbund asking for individual scopes)',
} as const;

const metricsPaths = [
  `/v1/metrics/target-group?at=${today}&previous=${isoDay(-7)}`,
  `/v1/metrics/outcomes?baseline=${isoDay(-7)}&followUp=${today}`,
  `/v1/metrics/flows?from=${isoDay(-365)}&to=${today}`,
];

let m: Matrix;
const ledger = new Ledger();
/** Every person the matrix created, in every form they could leak in. */
const everyone: Array<ReturnType<typeof personNeedles>> = [];

interface AgencyBaseline {
  statuses: Reply;
  timeline: Reply;
  consentQuery: Reply;
  unknownConsent: string;
  unknownRevocation: string;
  unknownSip: string;
  unknownSipUpdate: string;
  unknownInvitation: string;
  unknownInvitationAnswer: string;
  meConsents: string;
  meLog: string;
}
const baseline = {} as Record<RequesterKind, AgencyBaseline>;
const stranger = {
  personnummer: '',
  token: '',
  consents: '',
  log: '',
  representations: '',
  unknownConsent: '',
  unknownReceipt: '',
};

/** Valid bodies for the write routes, so only the access check can refuse them. */
const revocationBody = { reason: 'Återkallat.' };
const sipUpdateBody = { needs: ['Annat behov'] };
const answerBody = { answer: 'accepted' };

const statusQuery = (personnummer: string) => ({ personnummer, purpose, categories: publishedCategories });
const excerpt = (reply: Reply) => `${reply.status} ${redactPersonNumbers(reply.text.slice(0, 240))}`;

/** The answers for a person never seen and for ids that do not exist: what every withheld cell must equal. */
async function takeBaseline(requester: RequesterKind): Promise<AgencyBaseline> {
  const token = m.token[requester];
  const unseen = testPersonnummer({ birthYear: 1985 });
  return {
    statuses: await send(m, token, 'POST', '/v1/status-queries', statusQuery(unseen)),
    timeline: await send(m, token, 'POST', '/v1/status-timeline-queries', statusQuery(unseen)),
    consentQuery: await send(m, token, 'POST', '/v1/consent-queries', { personnummer: unseen }),
    unknownConsent: problemShape(await send(m, token, 'GET', `/v1/consents/${randomUUID()}`)),
    unknownRevocation: problemShape(
      await send(m, token, 'POST', `/v1/consents/${randomUUID()}/revocation`, revocationBody),
    ),
    unknownSip: problemShape(await send(m, token, 'GET', `/v1/sips/${randomUUID()}`)),
    unknownSipUpdate: problemShape(await send(m, token, 'PATCH', `/v1/sips/${randomUUID()}`, sipUpdateBody)),
    unknownInvitation: problemShape(await send(m, token, 'GET', `/v1/invitations/${randomUUID()}`)),
    unknownInvitationAnswer: problemShape(
      await send(m, token, 'POST', `/v1/invitations/${randomUUID()}/response`, answerBody),
    ),
    meConsents: problemShape(await send(m, token, 'GET', '/v1/me/consents')),
    meLog: problemShape(await send(m, token, 'GET', '/v1/me/access-log')),
  };
}

function termsFor(
  requester: RequesterKind,
  state: ConsentStateName,
): Omit<TestConsentOptions, 'personnummer'> | null {
  const id = (name: PartyName) => m.party[name].id;
  const me = id(requester);
  // The valid consent names the requester, the kommun and the region (so fk's and af's statuses must
  // stay out unless one of them is the requester), and the förbund for follow-up.
  const named = [...new Set([me, id('kommun'), id('region'), id('forbund')])];
  const covering = { categories: publishedCategories, purposes: ['sip', 'follow_up'] } as const;
  switch (state) {
    case 'none':
      return null;
    case 'other_purpose':
      return { parties: named, categories: publishedCategories, purposes: ['consultation'] };
    case 'other_category':
      return {
        parties: named,
        categories: ['planning', 'incapacity', 'diagnosis', 'coordination'],
        purposes: covering.purposes.slice(),
      };
    case 'other_party': {
      const others = (['kommun', 'region', 'fk', 'af', 'forbund'] as const).map(id).filter((p) => p !== me);
      return {
        parties: requester === 'kommun' ? [id('kommun2'), ...others] : others,
        categories: covering.categories.slice(),
        purposes: covering.purposes.slice(),
      };
    }
    case 'not_yet_valid':
      return {
        parties: named,
        categories: covering.categories.slice(),
        purposes: covering.purposes.slice(),
        validFrom: new Date(Date.now() + day),
        validUntil: new Date(Date.now() + 30 * day),
      };
    default:
      // valid, and expired / revoked (applied after the SIP is opened under it)
      return { parties: named, categories: covering.categories.slice(), purposes: covering.purposes.slice() };
  }
}

/** Whether the förbund's follow-up may count the person: the metrics control at the end. */
function countedInFollowUp(cell: Cell, consent: Consent | null): boolean {
  if (consent === null || cell.data !== 'present') return false;
  // Expired and revoked consents were valid when written and ended afterwards: never counted.
  const validNow = cell.state === 'valid' || cell.state === 'other_party' || cell.state === 'other_category';
  return (
    validNow &&
    consent.purposes.includes('follow_up') &&
    consent.parties.includes(m.party.forbund.id) &&
    consent.categories.includes('assistance')
  );
}
let expectedInFollowUp = 0;

/** A förbund (or any caller without the scope) must be refused exactly as for something that does not exist. */
function expectRefused(cell: string, route: string, reply: Reply, refusalForNothing: string) {
  if (![401, 403, 404].includes(reply.status)) ledger.leak(cell, route, `not refused: ${excerpt(reply)}`);
  else if (problemShape(reply) !== refusalForNothing)
    ledger.leak(cell, route, `refusal differs from the refusal for nothing: ${excerpt(reply)}`);
}

/** A 200 answer must equal the never-seen person's byte for byte; a problem, all but its requestId and instance. */
function expectSameAsNothing(cell: string, route: string, reply: Reply, nothing: Reply) {
  const same =
    reply.status === 200 && nothing.status === 200
      ? reply.text === nothing.text
      : problemShape(reply) === problemShape(nothing);
  if (!same)
    ledger.leak(cell, route, `withheld answer differs from a never-seen person's: ${excerpt(reply)}`);
}

function expectNotFound(cell: string, route: string, reply: Reply, unknownId: string) {
  if (reply.status === 200) ledger.leak(cell, route, `visible: ${excerpt(reply)}`);
  else if (problemShape(reply) !== unknownId)
    ledger.leak(cell, route, `404 differs from an unknown id's: ${excerpt(reply)}`);
}

/** Granted rows: each from a publisher the consent names, and every such row there (the control). */
function checkGranted(
  cell: string,
  route: string,
  rows: Array<{ category: string; party: string }>,
  consent: Consent,
  published: Published[],
) {
  const expected = new Set(
    published
      .filter((p) => consent.parties.includes(p.party) && consent.categories.includes(p.category))
      .map((p) => `${p.category} from ${p.party}`),
  );
  const seen = new Set(rows.map((row) => `${row.category} from ${row.party}`));
  for (const row of seen)
    if (!expected.has(row)) ledger.leak(cell, route, `${row}, which the consent does not cover`);
  for (const row of expected)
    if (!seen.has(row)) ledger.control(cell, route, `${row} missing under the valid consent`);
}

async function runCell(cell: Cell) {
  const { requester, state, data, name } = cell;
  const db = m.gateway.database.db;
  const me = m.party[requester].id;
  const token = m.token[requester];
  const forbund = requester === 'forbund';
  const nothing = baseline[requester];

  const personnummer = testPersonnummer({ birthYear: 1985 });
  const needles = personNeedles(m, personnummer);
  everyone.push(needles);
  const published = data === 'present' ? await publishStatuses(m, personnummer, effectiveDate) : [];
  const terms = termsFor(requester, state);
  const consent = terms ? await createTestConsent(db, m.gateway.persons, { personnummer, ...terms }) : null;
  if (countedInFollowUp(cell, consent)) expectedInFollowUp++;
  let sip: SipFixture | null = null;
  if (consent && sipStates.has(state)) {
    const participants = consent.parties.filter((party) => party !== m.party.forbund.id);
    const opener: PartyName = participants.includes(m.party.region.id) ? 'region' : 'kommun';
    sip = await openSipWithMeeting(m, { personnummer, consentId: consent.id, participants, opener });
    // The consent ends after the SIP was opened under it: its terms change in place, as time would.
    if (state === 'expired') {
      await db
        .update(consents)
        .set({ validFrom: new Date(Date.now() - 2 * day), validUntil: new Date(Date.now() - day) })
        .where(eq(consents.id, consent.id));
    }
    if (state === 'revoked') {
      await db
        .update(consents)
        .set({
          revokedAt: new Date(Date.now() - 1000),
          revokedByParty: m.party[opener].id,
          revokedByOfficer: 'matrix-officer',
          revocationReason: 'Återkallat i matrisen.',
        })
        .where(eq(consents.id, consent.id));
    }
  }
  const valid = state === 'valid' && consent !== null;
  const named = consent?.parties.includes(me) ?? false;

  // Current statuses.
  {
    const reply = await send(m, token, 'POST', '/v1/status-queries', statusQuery(personnummer));
    ledger.count(routes.statuses);
    ledger.scan(name, routes.statuses, reply, needles);
    const body = parse(reply);
    if (forbund) expectRefused(name, routes.statuses, reply, problemShape(nothing.statuses));
    else if (!valid) expectSameAsNothing(name, routes.statuses, reply, nothing.statuses);
    else if (reply.status !== 200 || !isRecord(body)) ledger.control(name, routes.statuses, excerpt(reply));
    else {
      const rows: Array<{ category: string; party: string }> = [];
      for (const entry of recordsIn(body.categories)) {
        if (entry.access !== 'granted')
          ledger.control(name, routes.statuses, `${String(entry.category)} withheld under the valid consent`);
        for (const status of recordsIn(entry.statuses))
          rows.push({
            category: String(entry.category),
            party: isRecord(status.party) ? String(status.party.id) : '?',
          });
      }
      checkGranted(name, routes.statuses, rows, consent, published);
    }
  }

  // The status history.
  {
    const reply = await send(m, token, 'POST', '/v1/status-timeline-queries', statusQuery(personnummer));
    ledger.count(routes.timeline);
    ledger.scan(name, routes.timeline, reply, needles);
    const body = parse(reply);
    if (forbund) expectRefused(name, routes.timeline, reply, problemShape(nothing.timeline));
    else if (!valid) expectSameAsNothing(name, routes.timeline, reply, nothing.timeline);
    else if (reply.status !== 200 || !isRecord(body)) ledger.control(name, routes.timeline, excerpt(reply));
    else {
      if (!Array.isArray(body.withheldCategories) || body.withheldCategories.length > 0)
        ledger.control(name, routes.timeline, 'categories withheld under the valid consent');
      const rows = recordsIn(body.events).map((event) => ({
        category: String(event.category),
        party: isRecord(event.party) ? String(event.party.id) : '?',
      }));
      checkGranted(name, routes.timeline, rows, consent, published);
    }
  }

  // The person's consents that name the caller.
  {
    const reply = await send(m, token, 'POST', '/v1/consent-queries', { personnummer });
    ledger.count(routes.consentQuery);
    ledger.scan(name, routes.consentQuery, reply, needles);
    const body = parse(reply);
    if (forbund) expectRefused(name, routes.consentQuery, reply, problemShape(nothing.consentQuery));
    else if (!named) expectSameAsNothing(name, routes.consentQuery, reply, nothing.consentQuery);
    else {
      const ids = isRecord(body) ? recordsIn(body.consents).map((c) => String(c.id)) : [];
      for (const id of ids)
        if (id !== consent?.id)
          ledger.leak(name, routes.consentQuery, `lists consent ${id}, not the caller's`);
      if (reply.status !== 200 || ids.length !== 1)
        ledger.control(name, routes.consentQuery, `named party does not see the consent: ${excerpt(reply)}`);
    }
  }

  // One consent by id.
  if (consent) {
    const reply = await send(m, token, 'GET', `/v1/consents/${consent.id}`);
    ledger.count(routes.consent);
    ledger.scan(name, routes.consent, reply, needles);
    if (forbund) expectRefused(name, routes.consent, reply, nothing.unknownConsent);
    else if (!named) expectNotFound(name, routes.consent, reply, nothing.unknownConsent);
    else if (reply.status !== 200) ledger.control(name, routes.consent, excerpt(reply));
    // Withdrawing a consent you are not named in: the same 404 (and nothing changes if it holds).
    if (forbund || !named) {
      const revoked = await send(m, token, 'POST', `/v1/consents/${consent.id}/revocation`, revocationBody);
      ledger.count(routes.revocation);
      ledger.scan(name, routes.revocation, revoked, needles);
      if (forbund) expectRefused(name, routes.revocation, revoked, nothing.unknownRevocation);
      else expectNotFound(name, routes.revocation, revoked, nothing.unknownRevocation);
    }
  }

  // The SIP and each invitation of its meeting.
  if (sip) {
    const participant = valid && !forbund && sip.participants.includes(me);
    const reply = await send(m, token, 'GET', `/v1/sips/${sip.id}`);
    ledger.count(routes.sip);
    ledger.scan(name, routes.sip, reply, needles);
    if (forbund) expectRefused(name, routes.sip, reply, nothing.unknownSip);
    else if (!participant) expectNotFound(name, routes.sip, reply, nothing.unknownSip);
    else if (reply.status !== 200) ledger.control(name, routes.sip, excerpt(reply));
    // Changing the plan goes through the same gate; asked only where it must refuse, so nothing changes.
    if (!participant) {
      const update = await send(m, token, 'PATCH', `/v1/sips/${sip.id}`, sipUpdateBody);
      ledger.count(routes.sipUpdate);
      ledger.scan(name, routes.sipUpdate, update, needles);
      if (forbund) expectRefused(name, routes.sipUpdate, update, nothing.unknownSipUpdate);
      else expectNotFound(name, routes.sipUpdate, update, nothing.unknownSipUpdate);
    }
    for (const invitation of sip.invitations) {
      const mine = participant && invitation.party === me;
      const answer = await send(m, token, 'GET', `/v1/invitations/${invitation.id}`);
      ledger.count(routes.invitation);
      // The invited party's own invitation is the one answer that hands the number back.
      ledger.scan(name, routes.invitation, answer, needles, mine && answer.status === 200);
      if (forbund) expectRefused(name, routes.invitation, answer, nothing.unknownInvitation);
      else if (!mine) expectNotFound(name, routes.invitation, answer, nothing.unknownInvitation);
      else if (answer.status !== 200) ledger.control(name, routes.invitation, excerpt(answer));
      if (!mine) {
        const answered = await send(
          m,
          token,
          'POST',
          `/v1/invitations/${invitation.id}/response`,
          answerBody,
        );
        ledger.count(routes.invitationAnswer);
        ledger.scan(name, routes.invitationAnswer, answered, needles);
        if (forbund) expectRefused(name, routes.invitationAnswer, answered, nothing.unknownInvitationAnswer);
        else expectNotFound(name, routes.invitationAnswer, answered, nothing.unknownInvitationAnswer);
      }
    }
  }

  // Self-service: another person sees nothing of the subject.
  {
    const mine = await send(m, stranger.token, 'GET', '/v1/me/consents');
    ledger.count(routes.meConsents);
    ledger.scan(name, routes.meConsents, mine, needles);
    if (mine.text !== stranger.consents || (consent && mine.text.includes(consent.id)))
      ledger.leak(name, routes.meConsents, `another person's list changed: ${excerpt(mine)}`);
    const log = await send(m, stranger.token, 'GET', '/v1/me/access-log?limit=100');
    ledger.count(routes.meLog);
    ledger.scan(name, routes.meLog, log, needles);
    if (log.text !== stranger.log)
      ledger.leak(name, routes.meLog, `another person's log changed: ${excerpt(log)}`);
    const representations = await send(m, stranger.token, 'GET', '/v1/me/representations');
    ledger.count(routes.meRepresentations);
    ledger.scan(name, routes.meRepresentations, representations, needles);
    if (representations.text !== stranger.representations)
      ledger.leak(
        name,
        routes.meRepresentations,
        `another person's list changed: ${excerpt(representations)}`,
      );
    if (consent) {
      const one = await send(m, stranger.token, 'GET', `/v1/me/consents/${consent.id}`);
      const receipt = await send(m, stranger.token, 'GET', `/v1/me/consents/${consent.id}/receipt`);
      ledger.count(routes.meConsent);
      ledger.scan(name, routes.meConsent, one, needles);
      ledger.scan(name, routes.meConsent, receipt, needles);
      expectNotFound(name, routes.meConsent, one, stranger.unknownConsent);
      expectNotFound(name, routes.meConsent, receipt, stranger.unknownReceipt);
    }
    // An agency token is not a person: the /v1/me routes refuse it as they refuse it for nobody.
    if (forbund) {
      expectRefused(
        name,
        routes.meConsents,
        await send(m, token, 'GET', '/v1/me/consents'),
        nothing.meConsents,
      );
      expectRefused(name, routes.meLog, await send(m, token, 'GET', '/v1/me/access-log'), nothing.meLog);
    }
    // Control: the subject sees their own consent, and the reads the control cell made.
    if (valid) {
      const own = await citizenToken(m, personnummer);
      const theirs = parse(await send(m, own, 'GET', '/v1/me/consents'));
      const ids = isRecord(theirs) ? recordsIn(theirs.consents).map((c) => String(c.id)) : [];
      if (!ids.includes(consent.id))
        ledger.control(name, routes.meConsents, 'the subject does not see the consent');
      if (!forbund) {
        const theirLog = parse(await send(m, own, 'GET', '/v1/me/access-log?limit=100'));
        const reads = isRecord(theirLog)
          ? recordsIn(theirLog.entries).filter(
              (e) => e.action === 'status.read' && isRecord(e.party) && e.party.id === me,
            )
          : [];
        if (reads.length !== 1)
          ledger.control(name, routes.meLog, `the subject sees ${reads.length} reads, not 1`);
      }
    }
  }

  // Aggregates only, for the förbund: no figure may carry a person.
  if (forbund) await scanMetrics(name, 'forbund');
}

async function scanMetrics(cell: string, as: PartyName): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (const path of metricsPaths) {
    for (const accept of ['application/json', 'text/csv']) {
      const reply = await send(m, m.token[as], 'GET', path, undefined, { accept });
      ledger.count(routes.metrics);
      if (reply.status !== 200) ledger.control(cell, routes.metrics, `${path} as ${as}: ${excerpt(reply)}`);
      // Every person of the run, not only this cell's.
      for (const needles of [...everyone])
        ledger.scan(`${cell} (${as})`, `${routes.metrics} ${path}`, reply, needles);
      replies.push(reply);
    }
  }
  return replies;
}

beforeAll(async () => {
  m = await startMatrix();
  for (const requester of requesterKinds) baseline[requester] = await takeBaseline(requester);
  // Another person, with a consent and an audited read of their own, so their view is not trivially empty.
  stranger.personnummer = testPersonnummer({ birthYear: 1985 });
  await createTestConsent(m.gateway.database.db, m.gateway.persons, {
    personnummer: stranger.personnummer,
    parties: [m.party.kommun.id, m.party.region.id],
    categories: ['care'],
    purposes: ['sip'],
  });
  await publishStatuses(m, stranger.personnummer, effectiveDate);
  const read = await send(m, m.token.kommun, 'POST', '/v1/status-queries', {
    personnummer: stranger.personnummer,
    purpose: 'sip',
  });
  expect(read.status).toBe(200);
  stranger.token = await citizenToken(m, stranger.personnummer);
  stranger.consents = (await send(m, stranger.token, 'GET', '/v1/me/consents')).text;
  stranger.log = (await send(m, stranger.token, 'GET', '/v1/me/access-log?limit=100')).text;
  stranger.representations = (await send(m, stranger.token, 'GET', '/v1/me/representations')).text;
  stranger.unknownConsent = problemShape(
    await send(m, stranger.token, 'GET', `/v1/me/consents/${randomUUID()}`),
  );
  stranger.unknownReceipt = problemShape(
    await send(m, stranger.token, 'GET', `/v1/me/consents/${randomUUID()}/receipt`),
  );
  const strangerConsents = parse({ status: 200, text: stranger.consents });
  const strangerLog = parse({ status: 200, text: stranger.log });
  expect(isRecord(strangerConsents) ? recordsIn(strangerConsents.consents).length : 0).toBe(1);
  expect(isRecord(strangerLog) ? recordsIn(strangerLog.entries).length : 0).toBeGreaterThan(0);
}, 60_000);

afterAll(async () => {
  await m?.gateway.close();
});

describe('the authorisation matrix', () => {
  it('leaks nothing on any route that touches personal data, in any cell', async () => {
    const started = performance.now();

    // A förbund cannot even get a token for an individual-level scope.
    for (const scope of ['status:read', 'consent:read', 'sip:read', 'signals:read', 'self:read']) {
      ledger.count(routes.forbundToken);
      const issued = await m.gateway.tokenFor(m.party.forbund, `whoami ${scope}`).then(
        () => true,
        () => false,
      );
      if (issued) ledger.leak('forbund', routes.forbundToken, `a token with ${scope} was issued`);
    }

    await inPool(cells, 4, runCell);

    // Withheld answers are the same at the end as at the start: nothing accumulated in them.
    for (const requester of requesterKinds) {
      const after = await takeBaseline(requester);
      const before = baseline[requester];
      for (const key of ['statuses', 'timeline', 'consentQuery'] as const)
        if (problemShape(after[key]) !== problemShape(before[key]))
          ledger.leak(`${requester}/never-seen`, key, `changed during the run: ${excerpt(after[key])}`);
    }

    // The figures once more, with every person of the run, for the förbund and its member kommun.
    // The agencies' log review is about their own officers' reads: never about a person.
    for (const requester of requesterKinds) {
      const review = await send(
        m,
        m.token[requester],
        'GET',
        `/v1/audit-reviews?from=${isoDay(-1)}&to=${today}`,
      );
      ledger.count(routes.auditReview);
      for (const needles of everyone)
        ledger.scan(`final (${requester})`, routes.auditReview, review, needles);
      if (requester === 'forbund') {
        if (![401, 403, 404].includes(review.status))
          ledger.leak('final (forbund)', routes.auditReview, `not refused: ${excerpt(review)}`);
      } else if (review.status !== 200)
        ledger.control(`final (${requester})`, routes.auditReview, excerpt(review));
    }
    const forbundReplies = await scanMetrics('final', 'forbund');
    await scanMetrics('final', 'kommun');
    const flows = parse(forbundReplies[4] ?? { status: 0, text: '' });
    const activity = isRecord(flows)
      ? recordsIn(flows.tables).find((t) => t.key === 'sip_activity')
      : undefined;
    if (activity?.base !== expectedInFollowUp)
      ledger.control(
        'final',
        routes.metrics,
        `flows count ${String(activity?.base)}, expected ${expectedInFollowUp}`,
      );

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const perRoute = [...ledger.tried].map(([route, n]) => `${route} ${n}`).join('; ');
    console.log(
      `authorisation matrix: ${cells.length} cells (${requesterKinds.length} party kinds × ${consentStates.length} consent states × 2), ` +
        `${ledger.total} route checks [${perRoute}], leaks = ${ledger.leaks.length}, failed controls = ${ledger.controls.length}, ${seconds} s`,
    );
    expect(ledger.controls, `controls that did not hold:\n${ledger.controls.join('\n')}`).toEqual([]);
    expect(ledger.leaks.length, `leaking cells:\n${ledger.leaks.join('\n')}`).toBe(0);
  }, 120_000);
});
