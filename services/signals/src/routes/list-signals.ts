import { signals } from '@samsyn/db';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  type OpenAPIHono,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { SignalListSchema, signalListQuery } from '../schemas';
import { signalView } from '../views';

export const listSignalsRoute = createRoute({
  method: 'get',
  path: '/v1/signals',
  operationId: 'listSignals',
  tags: ['Signals'],
  summary: 'Signals raised to your party, newest first',
  description:
    'What Samsyn noticed in the statuses persons have consented to share with you: the rule, when it was ' +
    'raised and cleared, and what you answered. Filter by rule, state and the day it was raised; `limit`/`page`. ' +
    'Lists say nothing about who a signal is about; `GET /v1/signals/{id}` does, under consent.',
  ...secured('signals:read'),
  request: { query: signalListQuery },
  responses: {
    200: { description: 'One page', content: { 'application/json': { schema: SignalListSchema } } },
    ...securedProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerListSignals(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(listSignalsRoute, async (c) => {
    const caller = agencyCaller(c);
    const query = c.req.valid('query');
    const rows = await deps.db
      .select()
      .from(signals)
      .where(
        and(
          eq(signals.partyId, caller.partyId),
          query.rule ? eq(signals.ruleId, query.rule) : undefined,
          query.state ? eq(signals.state, query.state) : undefined,
          query.from ? gte(signals.raisedAt, new Date(`${query.from}T00:00:00Z`)) : undefined,
          query.to ? lt(signals.raisedAt, sql`(${query.to}::date + 1)`) : undefined,
        ),
      )
      .orderBy(desc(signals.raisedAt), desc(signals.id))
      .limit(query.limit + 1)
      .offset((query.page - 1) * query.limit);
    return c.json(
      {
        signals: rows.slice(0, query.limit).map(signalView),
        page: { limit: query.limit, page: query.page, hasMore: rows.length > query.limit },
      },
      200,
    );
  });
}
