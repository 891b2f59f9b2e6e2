import { randomUUID } from 'node:crypto';
import type { Schema } from '@samsyn/client';
import type { Actor, Answer } from './api';
import type { Narrator } from './narrator';
import { demoPersonnummer } from './people';
import type { DemoReceiver } from './receivers';

export type AgencyKey = 'kommun' | 'region' | 'fk' | 'af';
export const agencyKeys: readonly AgencyKey[] = ['kommun', 'region', 'fk', 'af'];

export const partyIds: Record<AgencyKey | 'forbund', string> = {
  kommun: 'kommun:1281',
  region: 'region:12',
  fk: 'fk',
  af: 'af',
  forbund: 'forbund:lund',
};

export interface Cast {
  agencies: Record<AgencyKey, Actor>;
  forbund: Actor;
  /** The person, signed in with the dev e-ID. */
  person: (personnummer: string) => Actor;
}

export interface StoryContext {
  answer: Answer;
  narrator: Narrator;
  cast: Cast;
  receivers: Record<AgencyKey, DemoReceiver>;
  /** How long to wait for a webhook before calling the step failed. */
  deliveryTimeoutMs: number;
}

/** Enough participants besides Sara that the förbund's totals clear the suppression threshold. */
const cohortSize = 9;
export const storySteps = 16;

const day = 86_400_000;
const isoDate = (offsetDays = 0) => new Date(Date.now() + offsetDays * day).toISOString().slice(0, 10);
const inAYear = () => new Date(Date.now() + 365 * day).toISOString();
const idempotent = () => ({ params: { header: { 'idempotency-key': randomUUID() } } });

function sipConsent(personnummer: string): Schema<'ConsentInput'> {
  return {
    personnummer,
    givenBy: { kind: 'person' },
    parties: agencyKeys.map((key) => partyIds[key]),
    categories: [
      'assistance',
      'incapacity',
      'care',
      'certificate',
      'insurance',
      'coordination',
      'employment',
    ],
    purposes: ['sip', 'coordination'],
    validFrom: new Date().toISOString(),
    validUntil: inAYear(),
    form: 'written',
    evidenceReference: 'Lunds kommun, dnr SN 2026/4711',
    legalBasis: 'public-task-social-protection',
    plainLanguageText:
      'Jag samtycker till att kommunen, regionen, Försäkringskassan och Arbetsförmedlingen delar ' +
      'uppgifter om mitt ärende med varandra för att planera mitt stöd tillsammans (SIP). Diagnoser delas inte.',
  };
}

function followUpConsent(personnummer: string): Schema<'ConsentInput'> {
  return {
    personnummer,
    givenBy: { kind: 'person' },
    parties: [...agencyKeys.map((key) => partyIds[key]), partyIds.forbund],
    categories: ['assistance', 'care', 'certificate', 'insurance', 'coordination', 'employment'],
    purposes: ['follow_up'],
    validFrom: new Date().toISOString(),
    validUntil: inAYear(),
    form: 'written',
    evidenceReference: 'Samordningsförbundet Lund, SUS-blankett 2026-118',
    legalBasis: 'public-task-follow-up',
    plainLanguageText:
      'Jag samtycker till att samordningsförbundet följer upp insatsen med statistik där jag inte kan pekas ut.',
  };
}

const assistanceActive = (personnummer: string, sinceYearsAgo: number): Schema<'AssistanceActiveEvent'> => ({
  personnummer,
  category: 'assistance',
  kind: 'active',
  effectiveDate: isoDate(),
  data: {
    extent: 'full',
    since: isoDate(-365 * sinceYearsAgo),
    obstacle: 'sick_without_certificate',
  },
});

const certificateIssued = (
  personnummer: string,
  issuerKind: 'psychiatry' | 'primary_care',
): Schema<'CertificateIssuedEvent'> => ({
  personnummer,
  category: 'certificate',
  kind: 'issued',
  effectiveDate: isoDate(),
  data: {
    validFrom: isoDate(),
    validUntil: isoDate(60),
    extentPercent: 100,
    issuerKind,
    dfaChainComplete: true,
  },
});

/**
 * The reports' story in sixteen steps: Sara, on ekonomiskt bistånd for three years and too ill to
 * work, without sickness benefit, gets the four principals to see one picture and meet about it.
 */
export async function playStory({ answer, narrator, cast, receivers, deliveryTimeoutMs }: StoryContext) {
  const { kommun, region, fk, af } = cast.agencies;
  const sara = demoPersonnummer(1984);
  narrator.note(`The person is "Sara", personnummer ${sara} (a valid test number made for this run).`);
  narrator.note('A personnummer only ever travels in a request body, never in a URL.');

  narrator.step('Each agency registers its webhook endpoint (this demo listens on 127.0.0.1)');
  for (const key of agencyKeys) {
    const registered = await answer(
      cast.agencies[key].api.POST('/v1/webhook-registrations', { body: { url: receivers[key].url } }),
      (data) => `registered; signing secret ${data.secret.slice(0, 10)}…`,
    );
    receivers[key].useSecret(registered.secret);
  }

  narrator.step('Lunds kommun records Sara’s consent to share her case with the other three');
  const { consent } = await answer(
    kommun.api.POST('/v1/consents', { body: sipConsent(sara) }),
    (data) => `consent ${data.consent.id}, with a signed receipt for Sara`,
  );

  narrator.step('… and her consent to the förbund’s follow-up (SUS), which only ever sees aggregates');
  await answer(
    kommun.api.POST('/v1/consents', { body: followUpConsent(sara) }),
    (data) => `consent ${data.consent.id}`,
  );

  narrator.step('Lunds kommun publishes: ekonomiskt bistånd for three years, försörjningshinder sjukdom');
  const assistance = { body: assistanceActive(sara, 3), ...idempotent() };
  await answer(kommun.api.POST('/v1/status-events', assistance), (data) => `event ${data.id}`);
  narrator.note('The network failed before the kommun saw the answer, so it sends the same request again:');
  await answer(
    kommun.api.POST('/v1/status-events', assistance),
    (data, response) =>
      `event ${data.id}, Idempotent-Replayed: ${response.headers.get('idempotent-replayed')} — stored once, answered twice`,
  );

  narrator.step('Region Skåne publishes care contact and a certificate, in one atomic batch');
  await answer(
    region.api.POST('/v1/status-events/batch', {
      ...idempotent(),
      body: {
        events: [
          {
            personnummer: sara,
            category: 'care',
            kind: 'in_contact',
            effectiveDate: isoDate(),
            data: { setting: 'psychiatry', rehabCoordinator: true, since: isoDate(-30) },
          },
          certificateIssued(sara, 'psychiatry'),
        ],
      },
    }),
    (data) => `${data.results.length} events published`,
  );

  narrator.step('Försäkringskassan and Arbetsförmedlingen publish what they know');
  await answer(
    fk.api.POST('/v1/status-events', {
      ...idempotent(),
      body: {
        personnummer: sara,
        category: 'insurance',
        kind: 'status',
        effectiveDate: isoDate(),
        data: {
          sgi: 'zero',
          sicknessBenefit: false,
          compensation: null,
          pendingApplication: null,
          lastDecision: null,
        },
      },
    }),
    (data) => `event ${data.id}`,
  );
  await answer(
    af.api.POST('/v1/status-events', {
      ...idempotent(),
      body: {
        personnummer: sara,
        category: 'employment',
        kind: 'registered',
        effectiveDate: isoDate(),
        data: {
          activelySeeking: false,
          withImpediment: true,
          programme: null,
          activitySupport: false,
          since: isoDate(-200),
        },
      },
    }),
    (data) => `event ${data.id}`,
  );

  narrator.step('Lunds kommun reads the whole picture across the four principals');
  await answer(
    kommun.api.POST('/v1/status-queries', { body: { personnummer: sara, purpose: 'sip' } }),
    (data) =>
      data.categories
        .flatMap((result) =>
          result.access === 'granted' && result.statuses.length > 0
            ? [`${result.category} (${result.statuses.map((status) => status.party.id).join(', ')})`]
            : [],
        )
        .join('; '),
  );
  narrator.note('Försäkringskassan asks for the diagnosis too, which Sara did not agree to share:');
  await answer(
    fk.api.POST('/v1/status-queries', {
      body: { personnummer: sara, purpose: 'coordination', categories: ['certificate', 'diagnosis'] },
    }),
    (data) => data.categories.map((result) => `${result.category}: ${result.access}`).join(', '),
  );

  narrator.step('Lunds kommun opens a SIP with all four');
  const sip = await answer(
    kommun.api.POST('/v1/sips', {
      body: {
        personnummer: sara,
        consentId: consent.id,
        participants: agencyKeys.map((key) => partyIds[key]),
        principal: partyIds.kommun,
        coordinator: { party: partyIds.kommun, name: 'Anna Lind, socialsekreterare' },
        needs: [
          'Samordnad rehabilitering mellan psykiatrin och socialtjänsten',
          'Utredning av rätt till sjukersättning',
        ],
        nextFollowUpOn: isoDate(90),
      },
    }),
    (data) => `SIP ${data.id} in phase ${data.phase}`,
  );

  narrator.step(
    'Lunds kommun calls the first SIP meeting: one invitation to each agency, through the outbox',
  );
  const meeting = await answer(
    kommun.api.POST('/v1/sips/{id}/meetings', {
      params: { path: { id: sip.id }, header: { prefer: 'return=minimal' } },
      body: {
        startsAt: new Date(Date.now() + 7 * day).toISOString(),
        durationMinutes: 90,
        place: 'Stadshuset i Lund, rum 4',
        agenda: ['Nuläge', 'Sara berättar', 'Behov', 'Vem gör vad och när'],
        participants: [
          { party: partyIds.kommun, role: 'socialsekreterare', displayName: 'Anna Lind' },
          { party: partyIds.region, role: 'rehabkoordinator', displayName: 'Omar Said' },
          { party: partyIds.fk, role: 'handläggare', displayName: 'Eva Berg' },
          { party: partyIds.af, role: 'arbetsförmedlare', displayName: 'Jonas Ek' },
        ],
        personDisplayName: 'Sara',
      },
    }),
    (data) => `meeting ${'id' in data ? data.id : ''}; the SIP is now in ${data.phase}`,
  );

  narrator.step('The dispatcher delivers the signed invitations to the four webhook endpoints');
  const invitationIds: Partial<Record<AgencyKey, string>> = {};
  for (const key of agencyKeys) {
    const [message] = await receivers[key].waitFor('invitation.created', 1, deliveryTimeoutMs);
    const data = message?.event.data;
    if (!message || !data || !('invitationId' in data)) throw new Error(`no invitation reached ${key}`);
    invitationIds[key] = data.invitationId;
    narrator.note(
      `${cast.agencies[key].name} received ${message.event.type} (webhook-id ${message.id}), signature verified; ` +
        `body holds ids only: ${Object.keys(data).join(', ')}`,
    );
  }
  narrator.done(`four invitations delivered for meeting ${'id' in meeting ? meeting.id : ''}`);

  narrator.step('Each agency fetches its invitation under its own token and answers it');
  const answers = {
    kommun: { answer: 'accepted' },
    region: { answer: 'accepted' },
    fk: { answer: 'accepted', comment: 'Vi tar med underlag om sjukersättning.' },
    af: { answer: 'proposes_new_time', proposedStartsAt: new Date(Date.now() + 8 * day).toISOString() },
  } satisfies Record<AgencyKey, Schema<'InvitationResponse'>>;
  for (const key of agencyKeys) {
    const path = { params: { path: { id: invitationIds[key] ?? '' } } };
    await answer(
      cast.agencies[key].api.GET('/v1/invitations/{id}', path),
      (data) => `invitation to the meeting at ${data.meeting.startsAt}, for ${data.person.displayName}`,
    );
    await answer(
      cast.agencies[key].api.POST('/v1/invitations/{id}/response', { ...path, body: answers[key] }),
      () => answers[key].answer,
    );
  }

  narrator.step('Lunds kommun sees every answer and every delivery on the plan');
  await answer(kommun.api.GET('/v1/sips/{id}', { params: { path: { id: sip.id } } }), (data) =>
    (data.meetings[0]?.invitations ?? [])
      .filter((invitation) => invitation.party !== null)
      .map((invitation) => `${invitation.party}: ${invitation.rsvp} (${invitation.delivery?.state})`)
      .join('; '),
  );

  narrator.step('Sara signs in with e-ID and sees who read what about her, when and why');
  const saraActor = cast.person(sara);
  await answer(
    saraActor.api.GET('/v1/me/access-log', { params: { query: { limit: 20 } } }),
    (data) =>
      `${data.entries.length} entries: ${data.entries
        .slice(0, 4)
        .map((entry) => `${entry.party?.displayName ?? 'Sara'} ${entry.action}`)
        .join(', ')} …`,
  );

  narrator.step('Sara withdraws her consent to sharing; the SIP closes and every agency is told');
  await answer(
    saraActor.api.POST('/v1/me/consents/{id}/revocation', {
      params: { path: { id: consent.id } },
      body: { reason: 'Jag vill inte längre att uppgifterna delas.' },
    }),
    () => 'consent withdrawn',
  );
  for (const key of agencyKeys) {
    await receivers[key].waitFor('consent.withdrawn', 1, deliveryTimeoutMs);
    await answer(
      cast.agencies[key].api.POST('/v1/consents/{id}/revocation/acknowledgements', {
        params: { path: { id: consent.id } },
      }),
      () => 'consent.withdrawn received and acknowledged',
    );
  }
  await answer(
    kommun.api.POST('/v1/status-queries', {
      body: { personnummer: sara, purpose: 'sip', categories: ['certificate'] },
    }),
    (data) => `certificate: ${data.categories[0]?.access} from now on`,
  );

  narrator.step(
    `${cohortSize} more people join the förbund’s project (follow-up consents, batch publishing)`,
  );
  const cohort = Array.from({ length: cohortSize }, (_, index) => demoPersonnummer(1970 + index * 3));
  for (const personnummer of cohort) {
    await answer(
      kommun.api.POST('/v1/consents', { body: followUpConsent(personnummer) }),
      (data) => `consent ${data.consent.id}`,
    );
  }
  await answer(
    kommun.api.POST('/v1/status-events/batch', {
      ...idempotent(),
      body: { events: cohort.map((personnummer, index) => assistanceActive(personnummer, 1 + (index % 4))) },
    }),
    (data) => `${data.results.length} events published atomically`,
  );
  await answer(
    region.api.POST('/v1/status-events/batch', {
      ...idempotent(),
      body: {
        events: cohort.map((personnummer, index) =>
          certificateIssued(personnummer, index % 2 === 0 ? 'psychiatry' : 'primary_care'),
        ),
      },
    }),
    (data) => `${data.results.length} events published atomically`,
  );

  narrator.step('Samordningsförbundet Lund pulls its follow-up figures (small cells suppressed)');
  const snapshot = await answer(
    cast.forbund.api.GET('/v1/metrics/target-group', { params: { query: { at: isoDate() } } }),
    (data) => `${data.tables.length} tables, threshold ${data.threshold}`,
  );
  for (const table of snapshot.tables.slice(0, 4)) narrator.note(describeTable(table));
  narrator.note(
    'Counts 1–4 never leave Samsyn; they show as "<5" (and so may a neighbour that would reveal them).',
  );
  await answer(
    cast.forbund.api.GET('/v1/metrics/flows', { params: { query: { from: isoDate(-30), to: isoDate() } } }),
    (data) => `${data.tables.length} tables of SIP and coordination activity`,
  );
  narrator.note('The same figures as pages, in Swedish: /dashboard (sign in with the förbund’s token).');
}

interface ReportTable {
  title: string;
  total?: number | null;
  base?: number | null;
  cells: Array<{ label: string; count: number | null }>;
}

function describeTable(table: ReportTable): string {
  const total = table.total ?? table.base;
  const cells = table.cells.map((cell) => `${cell.label} ${cell.count ?? '<5'}`).join(', ');
  return `${table.title}: ${total ?? '<5'} — ${cells}`;
}
