import { randomUUID } from 'node:crypto';
import type { AgencyCaller, PersonVault } from '@samsyn/auth';
import { appendAudit, currentStatuses, type Db, ensurePersons, statusEvents, type Tx } from '@samsyn/db';
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
    return { id: randomUUID(), event, person: ctx.persons.record(parsed.value) };
  });
  const uniquePersons = new Map(rows.map((row) => [row.person.personKey, row.person]));
  await ensurePersons(ctx.tx, [...uniquePersons.values()]);
  const inserted = await ctx.tx
    .insert(statusEvents)
    .values(
      rows.map(({ id, event, person }) => ({
        id,
        personKey: person.personKey,
        partyId: ctx.caller.partyId,
        category: event.category,
        kind: event.kind,
        effectiveDate: event.effectiveDate,
        data: event.data,
        officerId: ctx.caller.officerId,
      })),
    )
    .returning({ id: statusEvents.id, publishedAt: statusEvents.publishedAt });
  const publishedAt = new Map(inserted.map((row) => [row.id, row.publishedAt]));

  // One candidate per (person, category): the latest effective date, the later event on a tie. A
  // statement may not touch the same row twice, and only that candidate can become current anyway.
  const candidates = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    const key = `${row.person.personKey}\u0000${row.event.category}`;
    const held = candidates.get(key);
    if (!held || held.event.effectiveDate <= row.event.effectiveDate) candidates.set(key, row);
  }
  const moved = await ctx.tx
    .insert(currentStatuses)
    .values(
      [...candidates.entries()]
        // A fixed order keeps concurrent batches touching the same statuses from deadlocking.
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, { id, event, person }]) => ({
          personKey: person.personKey,
          partyId: ctx.caller.partyId,
          category: event.category,
          eventId: id,
          kind: event.kind,
          effectiveDate: event.effectiveDate,
          data: event.data,
          publishedAt: publishedAt.get(id) ?? new Date(),
        })),
    )
    .onConflictDoUpdate({
      target: [currentStatuses.personKey, currentStatuses.category, currentStatuses.partyId],
      set: {
        eventId: sql`excluded.event_id`,
        kind: sql`excluded.kind`,
        effectiveDate: sql`excluded.effective_date`,
        data: sql`excluded.data`,
        publishedAt: sql`excluded.published_at`,
      },
      setWhere: sql`${currentStatuses.effectiveDate} <= excluded.effective_date`,
    })
    .returning({ eventId: currentStatuses.eventId });
  const current = new Set(moved.map((row) => row.eventId));
  await refreshPeriods(
    ctx.tx,
    ctx.caller.partyId,
    [...candidates.values()].map((row) => ({
      person_key: row.person.personKey,
      category: row.event.category,
    })),
  );

  await appendAudit(
    ctx.tx,
    rows.map(({ id, event, person }) => ({
      action: 'status.published' as const,
      partyId: ctx.caller.partyId,
      officerId: ctx.caller.officerId,
      personKey: person.personKey,
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
