import { randomUUID } from 'node:crypto';
import type { AgencyCaller, PersonVault } from '@samsyn/auth';
import { appendAudit, currentStatuses, ensurePerson, statusEvents, type Tx } from '@samsyn/db';
import { ownsCategory, parsePersonNumber, statusDataProblems } from '@samsyn/domain';
import { type FieldError, ProblemError } from '@samsyn/http';
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
 * recent, and audits each publication — all in the caller's transaction.
 */
export async function publishEvents(ctx: PublishContext, events: StatusEventInput[]) {
  const published = [];
  for (const event of events) {
    const parsed = parsePersonNumber(event.personnummer);
    if (!parsed.ok) throw new ProblemError('invalid-personnummer');
    const person = ctx.persons.record(parsed.value);
    await ensurePerson(ctx.tx, person);
    const id = randomUUID();
    const [row] = await ctx.tx
      .insert(statusEvents)
      .values({
        id,
        personKey: person.personKey,
        partyId: ctx.caller.partyId,
        category: event.category,
        kind: event.kind,
        effectiveDate: event.effectiveDate,
        data: event.data,
        officerId: ctx.caller.officerId,
      })
      .returning({ publishedAt: statusEvents.publishedAt });
    const publishedAt = row?.publishedAt ?? new Date();
    const moved = await ctx.tx
      .insert(currentStatuses)
      .values({
        personKey: person.personKey,
        partyId: ctx.caller.partyId,
        category: event.category,
        eventId: id,
        kind: event.kind,
        effectiveDate: event.effectiveDate,
        data: event.data,
        publishedAt,
      })
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
    await appendAudit(ctx.tx, {
      action: 'status.published',
      partyId: ctx.caller.partyId,
      officerId: ctx.caller.officerId,
      personKey: person.personKey,
      categories: [event.category],
      requestId: ctx.requestId,
      details: { eventId: id, kind: event.kind },
    });
    published.push({
      id,
      category: event.category,
      kind: event.kind,
      effectiveDate: event.effectiveDate,
      publishedAt: publishedAt.toISOString(),
      current: moved.length > 0,
    });
  }
  return published;
}
