import { randomUUID } from 'node:crypto';
import { type CurrentStatusRow, loadAccessFacts, type SqlClient } from '@samsyn/db';
import {
  type Category,
  type ConsentTerms,
  type Coverage,
  coverageAllows,
  evaluate,
  isoDay,
  partyKindOf,
  resolveThresholds,
  ruleCoverage,
  ruleOf,
  type SignalFacts,
  type SignalRuleId,
  type SipFact,
  type SipPhase,
  type StatusFact,
  signalRuleIds,
  thresholdsForbund,
  type Verdict,
} from '@samsyn/domain';
import { appendSignalAudit, legalBasisOf, type SignalAuditEntry, signalsOfficer } from './audit';

interface SipRow {
  id: string;
  consentId: string;
  phase: SipPhase;
  participants: string[];
  principalParty: string;
  coordinatorParty: string;
  nextFollowUpOn: string | null;
  openedAt: string;
  meetings: Array<{ startsAt: string; cancelled: boolean }>;
}

/** Everything about the person the evaluation needs besides each party's consents, in one statement. */
interface PersonContext {
  /** Parties named in the person's consents for coordination or a SIP that are valid now. */
  parties: string[];
  open: Array<{ id: string; ruleId: string; partyId: string }>;
  sips: SipRow[];
  forbunds: Array<{ id: string; memberIds: string[] }>;
  thresholds: Array<{ forbundId: string; ruleId: string; thresholds: Record<string, unknown> }>;
  /** The earliest start of such a consent still to come: signals may become possible then. */
  nextConsentStart: string | null;
  /** The earliest end of such a consent valid now: a signal resting on it must then close. */
  nextConsentEnd: string | null;
}

const signalPurposes = ['coordination', 'sip'];

async function loadContext(sql: SqlClient, personKey: string, at: string): Promise<PersonContext> {
  const [row] = await sql<Array<{ context: PersonContext }>>`
    with valid as (
      select c.parties from consents c
      where c.person_key = ${personKey} and c.purposes && ${signalPurposes}::text[]
        and c.valid_from <= ${at} and c.valid_until > ${at} and (c.revoked_at is null or c.revoked_at > ${at})
    ),
    named as (select coalesce(array_agg(distinct p order by p), '{}') as parties from valid, unnest(valid.parties) p),
    forbunds as (
      select f.id, f.member_ids from parties f, named
      where f.kind = 'forbund' and f.active and f.member_ids && named.parties
    )
    select json_build_object(
      'parties', (select parties from named),
      'open', coalesce((
        select json_agg(json_build_object('id', s.id, 'ruleId', s.rule_id, 'partyId', s.party_id))
        from signals s where s.person_key = ${personKey} and s.cleared_at is null), '[]'),
      'sips', coalesce((
        select json_agg(json_build_object(
          'id', s.id, 'consentId', s.consent_id, 'phase', s.phase, 'participants', s.participants,
          'principalParty', s.principal_party, 'coordinatorParty', s.coordinator->>'party',
          'nextFollowUpOn', s.next_follow_up_on, 'openedAt', s.opened_at,
          'meetings', coalesce((
            select json_agg(json_build_object('startsAt', m.starts_at, 'cancelled', m.status = 'cancelled'))
            from meetings m where m.sip_id = s.id), '[]')))
        from sips s where s.person_key = ${personKey} and s.closed_at is null), '[]'),
      'forbunds', coalesce((select json_agg(json_build_object('id', id, 'memberIds', member_ids)) from forbunds), '[]'),
      'thresholds', coalesce((
        select json_agg(json_build_object('forbundId', t.forbund_id, 'ruleId', t.rule_id, 'thresholds', t.thresholds))
        from signal_thresholds t where t.forbund_id in (select id from forbunds)), '[]'),
      'nextConsentStart', (
        select min(c.valid_from) from consents c
        where c.person_key = ${personKey} and c.purposes && ${signalPurposes}::text[]
          and c.valid_from > ${at} and c.revoked_at is null),
      'nextConsentEnd', (
        select min(c.valid_until) from consents c
        where c.person_key = ${personKey} and c.purposes && ${signalPurposes}::text[]
          and c.valid_from <= ${at} and c.valid_until > ${at} and (c.revoked_at is null or c.revoked_at > ${at}))
    ) as context`;
  if (!row) throw new Error('the signal context query returned no row');
  return row.context;
}

async function loadCertificateHistory(sql: SqlClient, personKey: string) {
  return sql<Array<StatusFact>>`
    select e.party_id as "partyId", e.kind, e.effective_date::text as "effectiveDate", e.data
    from status_events e
    where e.person_key = ${personKey} and e.category = 'certificate'
    order by e.effective_date, e.position`;
}

/** What one evaluation of one person did, for the caller and the tests. */
export interface PersonOutcome {
  raised: Array<{ id: string; ruleId: SignalRuleId; partyId: string }>;
  cleared: Array<{ id: string; ruleId: string; partyId: string; because: ClearReason }>;
  /** The rules decided for each party whose consents covered them. */
  evaluated: Array<{ partyId: string; ruleId: SignalRuleId; holds: boolean }>;
  nextDueAt: Date | null;
}

type ClearReason = 'condition_cleared' | 'consent_ended';
type OpenSignal = PersonContext['open'][number];

/** One rule for one party: not covered by consent, nothing to read, or read and decided. */
type RuleResult =
  | { rule: SignalRuleId; state: 'not_covered' }
  | { rule: SignalRuleId; state: 'nothing_read' }
  | {
      rule: SignalRuleId;
      state: 'decided';
      verdict: Verdict;
      consentIds: string[];
      sipIds: string[];
      forbundId: string | null;
      thresholds: Record<string, number>;
    };

/** Statuses and certificate history are the same for every party: read once, filtered per party. */
interface Shared {
  statuses?: CurrentStatusRow[];
  certificateHistory?: StatusFact[];
}

function currentView(coverage: Coverage, statuses: readonly CurrentStatusRow[]) {
  const current: Partial<Record<Category, StatusFact[]>> = {};
  for (const row of statuses) {
    if (!coverageAllows(coverage, row.category, row.partyId)) continue;
    const category = row.category as Category;
    current[category] = [
      ...(current[category] ?? []),
      { partyId: row.partyId, kind: row.kind, effectiveDate: row.effectiveDate, data: row.data },
    ];
  }
  return current;
}

function sipFact(sip: SipRow): SipFact {
  return {
    id: sip.id,
    phase: sip.phase,
    participants: sip.participants,
    principalParty: sip.principalParty,
    coordinatorParty: sip.coordinatorParty,
    nextFollowUpOn: sip.nextFollowUpOn,
    openedOn: isoDay(new Date(sip.openedAt)),
    meetings: sip.meetings.map((meeting) => ({
      startsOn: isoDay(new Date(meeting.startsAt)),
      cancelled: meeting.cancelled,
    })),
  };
}

async function decideRule(
  sql: SqlClient,
  input: { personKey: string; party: string; rule: SignalRuleId; consents: ConsentTerms[]; now: Date },
  context: PersonContext,
  shared: Shared,
  statuses: readonly CurrentStatusRow[],
): Promise<RuleResult> {
  const { party, rule, consents, now } = input;
  const definition = ruleOf(rule);
  const coverage = ruleCoverage(rule, { party, consents, at: now });
  if (!coverage.covered) return { rule, state: 'not_covered' };
  const facts: SignalFacts = {
    viewer: party,
    current: currentView(coverage, statuses),
    certificateHistory: [],
    sips: [],
    anyOpenSip: definition.sips === 'existence' && context.sips.length > 0,
  };
  if (definition.certificateHistory) {
    shared.certificateHistory ??= [...(await loadCertificateHistory(sql, input.personKey))];
    facts.certificateHistory = shared.certificateHistory.filter((event) =>
      coverageAllows(coverage, 'certificate', event.partyId),
    );
  }
  let consentIds = coverage.consentIds;
  let sipIds: string[] = [];
  if (definition.sips === 'participating') {
    // Only the SIPs the party takes part in, each under its own consent.
    const visible = context.sips.filter(
      (sip) => sip.participants.includes(party) && coverage.consentIds.includes(sip.consentId),
    );
    if (visible.length === 0) return { rule, state: 'nothing_read' };
    facts.sips = visible.map(sipFact);
    sipIds = visible.map((sip) => sip.id);
    consentIds = [...new Set(visible.map((sip) => sip.consentId))];
  }
  const forbundId = thresholdsForbund({
    party,
    consentParties: consents.filter((consent) => consentIds.includes(consent.id)).flatMap((c) => c.parties),
    forbunds: context.forbunds,
  });
  const own = context.thresholds.find((row) => row.forbundId === forbundId && row.ruleId === rule);
  const thresholds = { ...resolveThresholds(rule, own?.thresholds) };
  const verdict = evaluate(rule, facts, thresholds, now);
  return { rule, state: 'decided', verdict, consentIds, sipIds, forbundId, thresholds };
}

/** What evaluating the rules for one party decided, written by `evaluatePerson` for all parties at once. */
async function evaluateParty(
  sql: SqlClient,
  input: { personKey: string; party: string; now: Date },
  context: PersonContext,
  shared: Shared,
) {
  const { personKey, party, now } = input;
  const at = now.toISOString();
  const outcome: Omit<PersonOutcome, 'nextDueAt'> = { raised: [], cleared: [], evaluated: [] };
  const rechecks: Array<Date | null> = [];
  const audits: SignalAuditEntry[] = [];
  const inserts: Array<Record<string, unknown>> = [];
  const done = () => ({ ...outcome, rechecks, audits, inserts });
  const kind = partyKindOf(party);
  const rules = signalRuleIds.filter((rule) => kind !== undefined && ruleOf(rule).informs.includes(kind));
  const openOfParty = context.open.filter((signal) => signal.partyId === party);
  if (rules.length === 0 && openOfParty.length === 0) return done();
  const facts = await loadAccessFacts(sql, {
    personKey,
    requester: party,
    at: now,
    withStatuses: shared.statuses === undefined,
  });
  const statuses = shared.statuses ?? facts.statuses;
  shared.statuses = statuses;
  const results: RuleResult[] = [];
  for (const rule of rules) {
    results.push(
      await decideRule(
        sql,
        { personKey, party, rule, consents: facts.consents, now },
        context,
        shared,
        statuses,
      ),
    );
  }
  const clear = (open: OpenSignal, because: ClearReason) => outcome.cleared.push({ ...open, because });
  for (const open of openOfParty) {
    // A rule no longer in the party kind's catalogue cannot be decided; its signal has nothing to rest on.
    if (!results.some((result) => result.rule === open.ruleId)) clear(open, 'consent_ended');
  }
  const entries = new Map<
    'coordination' | 'sip',
    {
      rules: SignalRuleId[];
      categories: Set<string>;
      consentIds: Set<string>;
      sipIds: string[];
      raised: string[];
      cleared: string[];
    }
  >();
  for (const result of results) {
    const open = openOfParty.find((signal) => signal.ruleId === result.rule);
    if (result.state !== 'decided') {
      if (open) clear(open, result.state === 'not_covered' ? 'consent_ended' : 'condition_cleared');
      continue;
    }
    const { verdict } = result;
    const definition = ruleOf(result.rule);
    outcome.evaluated.push({ partyId: party, ruleId: result.rule, holds: verdict.holds });
    rechecks.push(verdict.recheckAt);
    const entry = entries.get(definition.purpose) ?? {
      rules: [],
      categories: new Set<string>(),
      consentIds: new Set<string>(),
      sipIds: [],
      raised: [],
      cleared: [],
    };
    entries.set(definition.purpose, entry);
    entry.rules.push(result.rule);
    for (const category of definition.reads) entry.categories.add(category);
    for (const id of result.consentIds) entry.consentIds.add(id);
    entry.sipIds.push(...result.sipIds);
    if (verdict.holds && !open) {
      const id = randomUUID();
      outcome.raised.push({ id, ruleId: result.rule, partyId: party });
      entry.raised.push(id);
      const referenced = context.sips.find((sip) => sip.id === verdict.references.sipId);
      inserts.push({
        id,
        person_key: personKey,
        rule_id: result.rule,
        party_id: party,
        purpose: definition.purpose,
        categories: definition.reads,
        consent_ids: referenced ? [referenced.consentId] : result.consentIds,
        forbund_id: result.forbundId,
        thresholds: result.thresholds,
        condition_since: verdict.since,
        refs: verdict.references,
        raised_at: at,
      });
    } else if (!verdict.holds && open) {
      clear(open, 'condition_cleared');
      entry.cleared.push(open.id);
    }
  }
  for (const [purpose, entry] of entries) {
    const consentIds = [...entry.consentIds].sort();
    audits.push({
      action: 'signal.evaluated',
      partyId: party,
      officerId: signalsOfficer,
      personKey,
      purpose,
      legalBasis: legalBasisOf(facts.consents, consentIds),
      consentIds,
      categories: [...entry.categories].sort(),
      requestId: null,
      details: {
        rules: entry.rules,
        raised: entry.raised,
        cleared: entry.cleared,
        ...(entry.sipIds.length > 0 ? { sipIds: [...new Set(entry.sipIds)] } : {}),
      },
    });
  }
  return done();
}

/**
 * Evaluates every rule for every party the person's consents could let Samsyn tell, in the caller's
 * transaction, and writes what follows in it: new signals with their `signal.raised` messages,
 * cleared signals with `signal.cleared`, one access-log entry per party and purpose for what was
 * read, and when to look again. A party's statuses are read only where its consents cover every
 * category of a rule, through `loadAccessFacts` as any status query is. A party they do not cover is
 * told nothing, nothing is read for it and nothing is logged — except that a signal it already had
 * closes (`consent_ended`), which needs nothing read.
 */
export async function evaluatePerson(sql: SqlClient, personKey: string, now: Date): Promise<PersonOutcome> {
  const at = now.toISOString();
  const context = await loadContext(sql, personKey, at);
  const outcome: PersonOutcome = { raised: [], cleared: [], evaluated: [], nextDueAt: null };
  const candidates = [
    ...new Set([...context.parties, ...context.open.map((signal) => signal.partyId)]),
  ].sort();
  const shared: Shared = {};
  const rechecks: Array<Date | null> = [];
  const audits: SignalAuditEntry[] = [];
  const inserts: Array<Record<string, unknown>> = [];

  for (const party of candidates) {
    const decided = await evaluateParty(sql, { personKey, party, now }, context, shared);
    outcome.raised.push(...decided.raised);
    outcome.cleared.push(...decided.cleared);
    outcome.evaluated.push(...decided.evaluated);
    rechecks.push(...decided.rechecks);
    audits.push(...decided.audits);
    inserts.push(...decided.inserts);
  }

  const stillOpen = context.open.length - outcome.cleared.length + outcome.raised.length;
  outcome.nextDueAt = earliest([
    ...rechecks,
    context.nextConsentStart === null ? null : new Date(context.nextConsentStart),
    stillOpen > 0 && context.nextConsentEnd !== null ? new Date(context.nextConsentEnd) : null,
  ]);
  await writeOutcome(sql, {
    personKey,
    now,
    inserts,
    cleared: outcome.cleared,
    audits,
    nextDueAt: outcome.nextDueAt,
  });
  return outcome;
}

function earliest(dates: ReadonlyArray<Date | null>): Date | null {
  let found: Date | null = null;
  for (const date of dates) if (date && (found === null || date < found)) found = date;
  return found;
}

async function writeOutcome(
  sql: SqlClient,
  work: {
    personKey: string;
    now: Date;
    inserts: Array<Record<string, unknown>>;
    cleared: PersonOutcome['cleared'];
    audits: SignalAuditEntry[];
    nextDueAt: Date | null;
  },
) {
  const at = work.now.toISOString();
  if (work.inserts.length > 0) {
    await sql`
      insert into signals (id, person_key, rule_id, party_id, purpose, categories, consent_ids, forbund_id,
                           thresholds, condition_since, "references", raised_at)
      select id, person_key, rule_id, party_id, purpose, categories, consent_ids, forbund_id,
             thresholds, condition_since, refs, raised_at
      from jsonb_to_recordset(${JSON.stringify(work.inserts)}::jsonb) as r(
        id uuid, person_key text, rule_id text, party_id text, purpose text, categories text[],
        consent_ids uuid[], forbund_id text, thresholds jsonb, condition_since date, refs jsonb,
        raised_at timestamptz)`;
  }
  if (work.cleared.length > 0) {
    const cleared = work.cleared.map((signal) => ({ id: signal.id, because: signal.because }));
    await sql`
      update signals set state = 'cleared', cleared_at = ${at}, cleared_because = r.because, updated_at = ${at}
      from jsonb_to_recordset(${JSON.stringify(cleared)}::jsonb) as r(id uuid, because text)
      where signals.id = r.id`;
  }
  const messages = [
    ...work.inserts.map((signal) => ({
      signalId: signal.id,
      partyId: signal.party_id,
      type: 'signal.raised',
    })),
    ...work.cleared.map((signal) => ({
      signalId: signal.id,
      partyId: signal.partyId,
      type: 'signal.cleared',
    })),
  ].map((message) => ({ ...message, id: randomUUID() }));
  if (messages.length > 0) {
    // The outbox, in this transaction: the dispatcher sends each as a thin webhook, ids only.
    await sql`
      insert into deliveries (id, party_id, event_type, payload)
      select id, party_id, type, jsonb_build_object('signalId', signal_id)
      from jsonb_to_recordset(${JSON.stringify(messages.map((m) => ({ id: m.id, party_id: m.partyId, type: m.type, signal_id: m.signalId })))}::jsonb)
        as r(id uuid, party_id text, type text, signal_id text)`;
  }
  await appendSignalAudit(sql, work.audits);
  if (work.nextDueAt === null) {
    await sql`delete from signal_schedule where person_key = ${work.personKey}`;
  } else {
    await sql`
      insert into signal_schedule (person_key, due_at) values (${work.personKey}, ${work.nextDueAt.toISOString()})
      on conflict (person_key) do update set due_at = excluded.due_at, attempts = 0`;
  }
}
