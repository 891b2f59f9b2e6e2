import { readActions } from '@samsyn/db';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  dateField,
  type OpenAPIHono,
  ProblemError,
  type ServiceDeps,
  secured,
  securedProblemResponses,
  z,
} from '@samsyn/http';
import { sql } from 'drizzle-orm';

const ReviewSchema = z
  .object({
    party: z.string().max(100),
    from: z.iso.date().max(10),
    to: z.iso.date().max(10),
    volumeThreshold: z.number().int().min(1).max(100_000).openapi({ format: 'int32' }),
    officerDays: z
      .array(
        z.object({
          officer: z.string().max(200),
          day: z.iso.date().max(10),
          reads: z.number().int().min(0).max(10_000_000).openapi({ format: 'int32' }),
          unusual: z.boolean(),
        }),
      )
      .max(100_000),
    flaggedReads: z
      .array(
        z.object({
          seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable().openapi({ format: 'int64' }),
          at: z.iso.datetime().max(30),
          officer: z.string().max(200).nullable(),
          action: z.string().max(50),
          requestId: z.string().max(255).nullable(),
          reason: z.literal('no_sip_or_coordination'),
        }),
      )
      .max(10_000),
  })
  .openapi('AccessReview');

export const accessReviewRoute = createRoute({
  method: 'get',
  path: '/v1/audit-reviews',
  operationId: 'getAccessReview',
  tags: ['Audit'],
  summary: 'Logguppföljning: your own officers’ accesses, with flags to follow up',
  description:
    'For the calling party only: reads per officer and day, with days far above the party’s usual ' +
    'volume marked `unusual` (more than three times the median officer-day, and at least 20), and reads ' +
    'of a person with whom the party has no SIP and no coordination status (`no_sip_or_coordination`). ' +
    'Entries are named by sequence number and request id, never by person.',
  ...secured('consent:read'),
  request: {
    query: z.object({
      from: dateField.openapi({ description: 'First day, inclusive' }),
      to: dateField.openapi({ description: 'Last day, inclusive' }),
    }),
  },
  responses: {
    200: { description: 'The review', content: { 'application/json': { schema: ReviewSchema } } },
    ...securedProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerAccessReview(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(accessReviewRoute, async (c) => {
    const caller = agencyCaller(c);
    const { from, to } = c.req.valid('query');
    if (to < from) {
      throw new ProblemError('validation-failed', 'to must not be before from', {
        errors: [{ location: 'query', pointer: '/to', detail: 'must not be before from' }],
      });
    }
    const reads = sql`
      select a.* from audit_log a
      where a.party_id = ${caller.partyId} and a.action = any(string_to_array(${readActions.join(',')}, ','))
        and a.at >= ${from}::date and a.at < (${to}::date + 1)`;
    const days = await deps.db.execute<{ officer: string; day: string; reads: number }>(sql`
      select coalesce(r.officer_id, '') as officer, to_char(r.at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as reads
      from (${reads}) r group by 1, 2 order by 2, 1`);
    const flagged = await deps.db.execute<{
      seq: number | null;
      at: Date;
      officer: string | null;
      action: string;
      request_id: string | null;
    }>(sql`
      select r.seq::int as seq, r.at, r.officer_id as officer, r.action, r.request_id
      from (${reads}) r
      where not exists (select 1 from sips s where s.person_key = r.person_key and ${caller.partyId} = any(s.participants))
        and not exists (select 1 from status_events e where e.person_key = r.person_key and e.category = 'coordination'
                        and e.party_id = ${caller.partyId})
      order by r.at limit 10000`);
    const counts = [...days].map((d) => d.reads).sort((a, b) => a - b);
    // The lower median, so one busy day among few cannot lift the bar above itself.
    const median = counts.length === 0 ? 0 : (counts[Math.floor((counts.length - 1) / 2)] ?? 0);
    const volumeThreshold = Math.max(20, 3 * median);
    return c.json(
      {
        party: caller.partyId,
        from,
        to,
        volumeThreshold,
        officerDays: [...days].map((d) => ({ ...d, unusual: d.reads > volumeThreshold })),
        flaggedReads: [...flagged].map((r) => ({
          seq: r.seq,
          at: new Date(r.at).toISOString(),
          officer: r.officer,
          action: r.action,
          requestId: r.request_id,
          reason: 'no_sip_or_coordination' as const,
        })),
      },
      200,
    );
  });
}
