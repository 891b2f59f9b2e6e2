import { randomUUID } from 'node:crypto';
import { and, arrayContains, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import {
  auditLog,
  deliveries,
  invitations,
  meetings,
  type NewDelivery,
  sips,
  withdrawalNotices,
} from '../schema';
import { readActions } from './audit';

/** Delivery states from which a message may still go out; cancelling stops it there. */
export const openDeliveryStates = ['pending', 'queued', 'retrying'] as const;

export type OutboxMessage = Omit<NewDelivery, 'id' | 'state' | 'attempts' | 'generation' | 'createdAt'>;

/** Writes messages to the outbox in the caller's transaction; the dispatcher sends them. */
export async function enqueueDeliveries(tx: DbOrTx, messages: OutboxMessage[]): Promise<string[]> {
  if (messages.length === 0) return [];
  const rows = messages.map((message) => ({ ...message, id: randomUUID() }));
  await tx.insert(deliveries).values(rows);
  return rows.map((row) => row.id);
}

/** Cancels what is still waiting to go out for a meeting or a SIP (reminders, invitations). */
export async function cancelOpenDeliveries(
  tx: DbOrTx,
  scope: { meetingId?: string; sipId?: string; eventTypes?: string[] },
): Promise<number> {
  const conditions = [inArray(deliveries.state, [...openDeliveryStates])];
  if (scope.meetingId) conditions.push(eq(deliveries.meetingId, scope.meetingId));
  if (scope.sipId) conditions.push(eq(deliveries.sipId, scope.sipId));
  if (scope.eventTypes) conditions.push(inArray(deliveries.eventType, scope.eventTypes));
  const cancelled = await tx
    .update(deliveries)
    .set({ state: 'cancelled' })
    .where(and(...conditions))
    .returning({ id: deliveries.id });
  return cancelled.length;
}

/**
 * Everything a consent withdrawal sets off, in the withdrawing transaction: every SIP that relied on
 * the consent is closed ("consent withdrawn"), its scheduled meetings and invitations are cancelled
 * with their pending messages and reminders, and every party that received data under the consent —
 * by reading it, or by taking part in one of its SIPs — is sent a withdrawal notice whose
 * acknowledgement is recorded.
 */
export async function applyConsentWithdrawal(tx: DbOrTx, consentId: string) {
  const closed = await tx
    .update(sips)
    .set({
      phase: 'closure',
      closureReason: 'consent_withdrawn',
      closedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(sips.consentId, consentId), isNull(sips.closedAt)))
    .returning({ id: sips.id, participants: sips.participants });
  const sipIds = closed.map((sip) => sip.id);
  if (sipIds.length > 0) {
    await tx
      .update(meetings)
      .set({ status: 'cancelled', updatedAt: sql`now()` })
      .where(and(inArray(meetings.sipId, sipIds), eq(meetings.status, 'scheduled')));
    await tx
      .update(invitations)
      .set({ status: 'cancelled' })
      .where(and(inArray(invitations.sipId, sipIds), eq(invitations.status, 'active')));
    await tx
      .update(deliveries)
      .set({ state: 'cancelled' })
      .where(and(inArray(deliveries.sipId, sipIds), inArray(deliveries.state, [...openDeliveryStates])));
  }
  const readers = await tx
    .selectDistinct({ partyId: auditLog.partyId })
    .from(auditLog)
    .where(
      and(
        arrayContains(auditLog.consentIds, [consentId]),
        inArray(auditLog.action, [...readActions]),
        ne(auditLog.partyId, ''),
      ),
    );
  const notified = new Set<string>();
  for (const reader of readers) if (reader.partyId) notified.add(reader.partyId);
  for (const sip of closed) for (const party of sip.participants) notified.add(party);
  const parties = [...notified].sort();
  const deliveryIds = await enqueueDeliveries(
    tx,
    parties.map((partyId) => ({
      partyId,
      eventType: 'consent.withdrawn',
      payload: { consentId },
      consentId,
    })),
  );
  if (parties.length > 0) {
    await tx
      .insert(withdrawalNotices)
      .values(parties.map((partyId, i) => ({ consentId, partyId, deliveryId: deliveryIds[i] ?? '' })))
      .onConflictDoNothing();
  }
  return { closedSipIds: sipIds, notifiedParties: parties };
}
