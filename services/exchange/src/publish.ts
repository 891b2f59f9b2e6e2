import { randomUUID } from 'node:crypto';
import type { AgencyCaller, PersonVault } from '@samsyn/auth';
import {
  appendAudit,
  type Db,
  ensurePersons,
  existingPersonKeys,
  refreshFollowUpFacts,
  type Tx,
} from '@samsyn/db';
import { ownsCategory, parsePersonNumber, statusDataProblems } from '@samsyn/domain';
import { type FieldError, ProblemError, runIdempotent } from '@samsyn/http';
import { sql } from 'drizzle-orm';
import type { StatusEventInput } from './schemas';

export interface PublishContext {
  tx: Tx;
  caller: AgencyCaller;
  persons: PersonVault;
  requestId: string;
}

/**
 * Refuses the whole request before anything is written when a category is not the caller's to
 * publish or a cross-field rule fails; `pointerPrefix` places each problem in the request body.
 */
export function checkPublishable(
  caller: AgencyCaller,
  events: StatusEventInput[],
  pointerPrefix: (i: number) => string,
) {
  const notOwned: FieldError[] = [];
  const invalid: FieldError[] = [];
  events.forEach((event, index) => {
    if (!ownsCategory(caller.partyKind, event.category)) {
      notOwned.push({
        location: 'body',
        pointer: `${pointerPrefix(index)}/category`,
        detail: `a ${caller.partyKind} does not publish ${event.category}`,
      });
    }
    for (const problem of statusDataProblems(event.category, event.kind, event.data)) {
      invalid.push({
        location: 'body',
        pointer: `${pointerPrefix(index)}${problem.pointer}`,
        detail: problem.detail,
      });
    }
  });
  if (notOwned.length > 0) {
    throw new ProblemError('category-not-owned', `${notOwned.length} event(s) in categories you do not own`, {
      errors: notOwned,
    });
  }
  if (invalid.length > 0) {
    throw new ProblemError('validation-failed', `${invalid.length} field(s) failed validation`, {
      errors: invalid,
    });
  }
}

/**
 * Appends the events, moves each party's current status forward where the event is at least as
 * recent, and audits each publication — in the caller's transaction, with one statement per table
 * whatever the number of events.
 */
export async function publishEvents(ctx: PublishContext, events: StatusEventInput[]) {
  const rows = events.map((event) => {
    const parsed = parsePersonNumber(event.personnummer);
    if (!parsed.ok) throw new ProblemError('invalid-personnummer');
    return {
      id: randomUUID(),
      event,
      number: parsed.value,
      personKey: ctx.persons.keyOf(parsed.value.normalised),
    };
  });
  const uniquePersons = new Map(rows.map((row) => [row.personKey, row.number]));
  // Sealing a personnummer (AES-GCM) costs more CPU than everything else about an event; most
  // publications concern persons already recorded, so seal only the new ones.
  const known = await existingPersonKeys(ctx.tx, [...uniquePersons.keys()]);
  await ensurePersons(
    ctx.tx,
    [...uniquePersons].filter(([key]) => !known.has(key)).map(([, number]) => ctx.persons.record(number)),
  );
  // Rows travel as one JSON parameter each statement: building a 500-row VALUES list costs the
  // query builder tens of milliseconds of CPU; JSON.stringify of the same rows, a fraction of one.
  const eventRows = rows.map(({ id, event, personKey }) => ({
    id,
    person_key: personKey,
    category: event.category,
    kind: event.kind,
    effective_date: event.effectiveDate,
    data: event.data,
  }));
  const inserted = await ctx.tx.execute<{ id: string; published_at: string }>(sql`
    insert into status_events (id, person_key, party_id, category, kind, effective_date, data, officer_id)
    select e.id, e.person_key, ${ctx.caller.partyId}, e.category, e.kind, e.effective_date, e.data,
           ${ctx.caller.officerId}
    from jsonb_to_recordset(${JSON.stringify(eventRows)}::jsonb)
      as e(id uuid, person_key text, category text, kind text, effective_date date, data jsonb)
    returning id, published_at`);
  const publishedAt = new Map(inserted.map((row) => [row.id, new Date(row.published_at)]));

  // One candidate per (person, category): the latest effective date, the later event on a tie. A
  // statement may not touch the same row twice, and only that candidate can become current anyway.
  const candidates = new Map<string, (typeof eventRows)[number]>();
  for (const row of eventRows) {
    const key = `${row.person_key}\u0000${row.category}`;
    const held = candidates.get(key);
    if (!held || held.effective_date <= row.effective_date) candidates.set(key, row);
  }
  // Published in this transaction, so `now()` is the events' own `published_at`. The fixed order
  // keeps concurrent batches touching the same statuses from deadlocking.
  const moved = await ctx.tx.execute<{ event_id: string }>(sql`
    insert into current_statuses (person_key, party_id, category, event_id, kind, effective_date, data, published_at)
    select c.person_key, ${ctx.caller.partyId}, c.category, c.id, c.kind, c.effective_date, c.data, now()
    from jsonb_to_recordset(${JSON.stringify([...candidates.values()])}::jsonb)
      as c(id uuid, person_key text, category text, kind text, effective_date date, data jsonb)
    order by c.person_key, c.category
    on conflict (person_key, category, party_id) do update
      set event_id = excluded.event_id, kind = excluded.kind, effective_date = excluded.effective_date,
          data = excluded.data, published_at = excluded.published_at
      where current_statuses.effective_date <= excluded.effective_date
    returning event_id`);
  const current = new Set(moved.map((row) => row.event_id));
  await refreshPeriods(
    ctx.tx,
    ctx.caller.partyId,
    [...candidates.values()].map((row) => ({ person_key: row.person_key, category: row.category })),
  );
  await refreshFollowUpFacts(ctx.tx, [...uniquePersons.keys()]);

  await appendAudit(
    ctx.tx,
    rows.map(({ id, event, personKey }) => ({
      action: 'status.published' as const,
      partyId: ctx.caller.partyId,
      officerId: ctx.caller.officerId,
      personKey,
      categories: [event.category],
      requestId: ctx.requestId,
      details: { eventId: id, kind: event.kind },
    })),
  );
  return rows.map(({ id, event }) => ({
    id,
    category: event.category,
    kind: event.kind,
    effectiveDate: event.effectiveDate,
    publishedAt: (publishedAt.get(id) ?? new Date()).toISOString(),
    current: current.has(id),
  }));
}

/**
 * A publishing request end to end: ownership and cross-field checks, then the events and their
 * stored result in one transaction under the caller's `Idempotency-Key`.
 */
export async function publishOnce(
  deps: { db: Db; persons: PersonVault },
  request: { caller: AgencyCaller; operation: string; key: string; requestId: string },
  events: StatusEventInput[],
  pointerPrefix: (index: number) => string,
) {
  checkPublishable(request.caller, events, pointerPrefix);
  return runIdempotent(
    {
      db: deps.db,
      caller: request.caller,
      operation: request.operation,
      key: request.key,
      body: events,
      status: 201,
    },
    (tx) =>
      publishEvents(
        { tx, caller: request.caller, persons: deps.persons, requestId: request.requestId },
        events,
      ),
  );
}

/**
 * Recomputes the status periods of the (person, category) keys a publication touched, for the
 * publishing party, from their events: a late event about the past splits a period in two, so the
 * simplest correct update is to rebuild the few periods of each touched key.
 */
async function refreshPeriods(
  tx: Tx,
  partyId: string,
  keys: Array<{ person_key: string; category: string }>,
) {
  const touched = sql`(select distinct person_key, category from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(person_key text, category text))`;
  await tx.execute(sql`
    delete from status_periods p using ${touched} t
    where p.person_key = t.person_key and p.category = t.category and p.party_id = ${partyId}`);
  await tx.execute(sql`
    insert into status_periods (event_id, person_key, party_id, category, kind, data, valid_from, valid_until)
    select e.id, e.person_key, e.party_id, e.category, e.kind, e.data, e.effective_date,
           lead(e.effective_date) over (partition by e.person_key, e.category order by e.effective_date, e.position)
    from status_events e join ${touched} t on e.person_key = t.person_key and e.category = t.category
    where e.party_id = ${partyId}`);
}
