import { randomUUID } from 'node:crypto';
import type { Actor, Api } from './api';
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
  api: Api;
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
const stepIds = () => ({ 'Idempotency-Key': randomUUID() });

function sipConsent(personnummer: string) {
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

function followUpConsent(personnummer: string) {
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

const assistanceActive = (personnummer: string, sinceYearsAgo: number) => ({
  personnummer,
  category: 'assistance',
  kind: 'active',
  effectiveDate: isoDate(),
  data: { extent: 'full', since: isoDate(-365 * sinceYearsAgo), obstacle: 'sick_without_certificate' },
});

const certificateIssued = (personnummer: string, issuerKind: 'psychiatry' | 'primary_care') => ({
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

const consentId = (body: Record<string, unknown>) => String((body.consent as { id: string }).id);

/**
 * The reports' story in sixteen steps: Sara, on ekonomiskt bistånd for three years and too ill to
 * work, without sickness benefit, gets the four principals to see one picture and meet about it.
 */
export async function playStory({ api, narrator, cast, receivers, deliveryTimeoutMs }: StoryContext) {
  const { kommun, region, fk, af } = cast.agencies;
  const sara = demoPersonnummer(1984);
  narrator.note(`The person is "Sara", personnummer ${sara} (a valid test number made for this run).`);
  narrator.note('A personnummer only ever travels in a request body, never in a URL.');

  narrator.step('Each agency registers its webhook endpoint (this demo listens on 127.0.0.1)');
  for (const key of agencyKeys) {
    const registered = await api(cast.agencies[key], 'POST', '/v1/webhook-registrations', {
      body: { url: receivers[key].url },
      summarise: (body) => `registered; signing secret ${String(body.secret).slice(0, 10)}…`,
    });
    receivers[key].useSecret(String(registered.secret));
  }

  narrator.step('Lunds kommun records Sara’s consent to share her case with the other three');
  const sipConsentId = consentId(
    await api(kommun, 'POST', '/v1/consents', {
      body: sipConsent(sara),
      summarise: (body) => `consent ${consentId(body)}, with a signed receipt for Sara`,
    }),
  );

  narrator.step('… and her consent to the förbund’s follow-up (SUS), which only ever sees aggregates');
  await api(kommun, 'POST', '/v1/consents', {
    body: followUpConsent(sara),
    summarise: (body) => `consent ${consentId(body)}`,
  });

  narrator.step('Lunds kommun publishes: ekonomiskt bistånd for three years, försörjningshinder sjukdom');
  const assistance = assistanceActive(sara, 3);
  const assistanceKey = stepIds();
  await api(kommun, 'POST', '/v1/status-events', { body: assistance, headers: assistanceKey });
  narrator.note('The network failed before the kommun saw the answer, so it sends the same request again:');
  await api(kommun, 'POST', '/v1/status-events', {
    body: assistance,
    headers: assistanceKey,
    expect: 201,
    summarise: (_body, response) =>
      `Idempotent-Replayed: ${response.headers.get('idempotent-replayed')} — stored once, answered twice`,
  });

  narrator.step('Region Skåne publishes care contact and a certificate, in one atomic batch');
  await api(region, 'POST', '/v1/status-events/batch', {
    headers: stepIds(),
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
    summarise: (body) => `${(body.results as unknown[]).length} events published`,
  });

  narrator.step('Försäkringskassan and Arbetsförmedlingen publish what they know');
  await api(fk, 'POST', '/v1/status-events', {
    headers: stepIds(),
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
  });
  await api(af, 'POST', '/v1/status-events', {
    headers: stepIds(),
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
  });

  narrator.step('Lunds kommun reads the whole picture across the four principals');
  await api(kommun, 'POST', '/v1/status-queries', {
    body: { personnummer: sara, purpose: 'sip' },
    expect: 200,
    summarise: (body) =>
      (
        body.categories as Array<{
          category: string;
          access: string;
          statuses?: Array<{ party: { id: string } }>;
        }>
      )
        .filter((result) => result.access === 'granted' && (result.statuses?.length ?? 0) > 0)
        .map((result) => `${result.category} (${result.statuses?.map((s) => s.party.id).join(', ')})`)
        .join('; '),
  });
  narrator.note('Försäkringskassan asks for the diagnosis too, which Sara did not agree to share:');
  await api(fk, 'POST', '/v1/status-queries', {
    body: { personnummer: sara, purpose: 'coordination', categories: ['certificate', 'diagnosis'] },
    expect: 200,
    summarise: (body) =>
      (body.categories as Array<{ category: string; access: string }>)
        .map((result) => `${result.category}: ${result.access}`)
        .join(', '),
  });

  narrator.step('Lunds kommun opens a SIP with all four');
  const sip = await api(kommun, 'POST', '/v1/sips', {
    body: {
      personnummer: sara,
      consentId: sipConsentId,
      participants: agencyKeys.map((key) => partyIds[key]),
      principal: partyIds.kommun,
      coordinator: { party: partyIds.kommun, name: 'Anna Lind, socialsekreterare' },
      needs: [
        'Samordnad rehabilitering mellan psykiatrin och socialtjänsten',
        'Utredning av rätt till sjukersättning',
      ],
      nextFollowUpOn: isoDate(90),
    },
    summarise: (body) => `SIP ${String(body.id)} in phase ${String(body.phase)}`,
  });
  const sipId = String(sip.id);

  narrator.step(
    'Lunds kommun calls the first SIP meeting: one invitation to each agency, through the outbox',
  );
  const meeting = await api(kommun, 'POST', `/v1/sips/${sipId}/meetings`, {
    headers: { Prefer: 'return=minimal' },
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
    summarise: (body) => `meeting ${String(body.id)}; the SIP is now in ${String(body.phase)}`,
  });

  narrator.step('The dispatcher delivers the signed invitations to the four webhook endpoints');
  const invitationIds: Partial<Record<AgencyKey, string>> = {};
  for (const key of agencyKeys) {
    const [message] = await receivers[key].waitFor('invitation.created', 1, deliveryTimeoutMs);
    invitationIds[key] = String(message?.data.invitationId);
    narrator.note(
      `${cast.agencies[key].name} received ${message?.type} (webhook-id ${message?.id}), signature verified; ` +
        `body holds ids only: ${Object.keys(message?.data ?? {}).join(', ')}`,
    );
  }
  narrator.done(`four invitations delivered for meeting ${String(meeting.id)}`);

  narrator.step('Each agency fetches its invitation under its own token and answers it');
  const answers: Record<AgencyKey, Record<string, string>> = {
    kommun: { answer: 'accepted' },
    region: { answer: 'accepted' },
    fk: { answer: 'accepted', comment: 'Vi tar med underlag om sjukersättning.' },
    af: { answer: 'proposes_new_time', proposedStartsAt: new Date(Date.now() + 8 * day).toISOString() },
  };
  for (const key of agencyKeys) {
    const id = invitationIds[key] ?? '';
    await api(cast.agencies[key], 'GET', `/v1/invitations/${id}`, {
      summarise: (body) =>
        `invitation for ${String((body.meeting as { startsAt?: string })?.startsAt ?? 'the meeting')}`,
    });
    await api(cast.agencies[key], 'POST', `/v1/invitations/${id}/response`, {
      body: answers[key],
      expect: 200,
      summarise: () => answers[key]?.answer ?? '',
    });
  }

  narrator.step('Lunds kommun sees every answer and every delivery on the plan');
  await api(kommun, 'GET', `/v1/sips/${sipId}`, {
    summarise: (body) => {
      const [first] = body.meetings as Array<{
        invitations: Array<{ party: string | null; rsvp: string | null; delivery: { state: string } | null }>;
      }>;
      return (first?.invitations ?? [])
        .filter((invitation) => invitation.party !== null)
        .map((invitation) => `${invitation.party}: ${invitation.rsvp} (${invitation.delivery?.state})`)
        .join('; ');
    },
  });

  narrator.step('Sara signs in with e-ID and sees who read what about her, when and why');
  const saraActor = cast.person(sara);
  await api(saraActor, 'GET', '/v1/me/access-log?limit=20', {
    summarise: (body) =>
      `${(body.entries as unknown[]).length} entries: ${(
        body.entries as Array<{ action: string; party: { displayName: string } | null }>
      )
        .slice(0, 4)
        .map((entry) => `${entry.party?.displayName ?? 'Sara'} ${entry.action}`)
        .join(', ')} …`,
  });

  narrator.step('Sara withdraws her consent to sharing; the SIP closes and every agency is told');
  await api(saraActor, 'POST', `/v1/me/consents/${sipConsentId}/revocation`, {
    body: { reason: 'Jag vill inte längre att uppgifterna delas.' },
    expect: 200,
    summarise: () => 'consent withdrawn',
  });
  for (const key of agencyKeys) {
    await receivers[key].waitFor('consent.withdrawn', 1, deliveryTimeoutMs);
    await api(cast.agencies[key], 'POST', `/v1/consents/${sipConsentId}/revocation/acknowledgements`, {
      expect: 200,
      summarise: () => 'consent.withdrawn received and acknowledged',
    });
  }
  await api(kommun, 'POST', '/v1/status-queries', {
    body: { personnummer: sara, purpose: 'sip', categories: ['certificate'] },
    expect: 200,
    summarise: (body) =>
      `certificate: ${(body.categories as Array<{ access: string }>)[0]?.access} from now on`,
  });

  narrator.step(
    `${cohortSize} more people join the förbund’s project (follow-up consents, batch publishing)`,
  );
  const cohort = Array.from({ length: cohortSize }, (_, index) => demoPersonnummer(1970 + index * 3));
  for (const personnummer of cohort) {
    await api(kommun, 'POST', '/v1/consents', {
      body: followUpConsent(personnummer),
      summarise: (body) => `consent ${consentId(body)}`,
    });
  }
  await api(kommun, 'POST', '/v1/status-events/batch', {
    headers: stepIds(),
    body: { events: cohort.map((personnummer, index) => assistanceActive(personnummer, 1 + (index % 4))) },
    summarise: (body) => `${(body.results as unknown[]).length} events published atomically`,
  });
  await api(region, 'POST', '/v1/status-events/batch', {
    headers: stepIds(),
    body: {
      events: cohort.map((personnummer, index) =>
        certificateIssued(personnummer, index % 2 === 0 ? 'psychiatry' : 'primary_care'),
      ),
    },
    summarise: (body) => `${(body.results as unknown[]).length} events published atomically`,
  });

  narrator.step('Samordningsförbundet Lund pulls its follow-up figures (small cells suppressed)');
  const snapshot = await api(cast.forbund, 'GET', `/v1/metrics/target-group?at=${isoDate()}`, {
    summarise: (body) => `${(body.tables as unknown[]).length} tables, threshold ${String(body.threshold)}`,
  });
  for (const table of (snapshot.tables as ReportTable[]).slice(0, 4)) narrator.note(describeTable(table));
  narrator.note(
    'Counts 1–4 never leave Samsyn; they show as "<5" (and so may a neighbour that would reveal them).',
  );
  await api(cast.forbund, 'GET', `/v1/metrics/flows?from=${isoDate(-30)}&to=${isoDate()}`, {
    summarise: (body) => `${(body.tables as unknown[]).length} tables of SIP and coordination activity`,
  });
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
