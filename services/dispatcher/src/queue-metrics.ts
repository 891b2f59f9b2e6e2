import { type Db, deliveries, parties } from '@samsyn/db';
import type { QueueMetricsSource } from '@samsyn/http';
import type { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';

/** The states `/metrics` reports per queue (Samsyn uses no priorities, flows or schedulers). */
export const reportedJobStates = ['waiting', 'active', 'delayed', 'failed', 'completed', 'paused'] as const;

/**
 * What the dispatcher's queue gauges read at scrape time: BullMQ's counters, and the outbox. Every
 * read is index-backed: pending rows through the partial index the relay polls, dead letters per
 * party through (party_id, state), so a scrape's cost follows the backlog and the dead letters, never
 * the history of delivered messages.
 */
export function queueMetricsSource(db: Db, queues: readonly Queue[]): QueueMetricsSource {
  return {
    jobCounts: async () =>
      Object.fromEntries(
        await Promise.all(
          queues.map(async (queue) => [queue.name, await queue.getJobCounts(...reportedJobStates)] as const),
        ),
      ),
    outbox: async () => {
      const [row] = await db.execute<{ pending: number; oldest: number; dead: number }>(sql`
        select
          (select count(*)::int from ${deliveries} where ${deliveries.state} = 'pending') as pending,
          (select coalesce(extract(epoch from now() - min(${deliveries.createdAt})), 0)::float8
             from ${deliveries} where ${deliveries.state} = 'pending') as oldest,
          -- Per registered party, to use the (party_id, state) index: parties are deactivated, never deleted.
          (select coalesce(sum(per_party.dead), 0)::int from ${parties}
             cross join lateral (
               select count(*) as dead from ${deliveries}
               where ${deliveries.partyId} = ${parties.id} and ${deliveries.state} = 'dead'
             ) as per_party) as dead`);
      return {
        pending: row?.pending ?? 0,
        oldestPendingSeconds: Math.max(0, row?.oldest ?? 0),
        dead: row?.dead ?? 0,
      };
    },
  };
}
