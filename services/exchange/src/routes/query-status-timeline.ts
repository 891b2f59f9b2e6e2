import { sqlClientOf } from '@samsyn/db';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  paginationQuery,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { decideAccess } from '../access';
import { auditRead, readTimeline } from '../read';
import { StatusQuerySchema, TimelineResultSchema } from '../schemas';

export const queryStatusTimelineRoute = createRoute({
  method: 'post',
  path: '/v1/status-timeline-queries',
  operationId: 'queryStatusTimeline',
  tags: ['Case status'],
  summary: 'Read a person’s status history, newest first, as far as consent allows',
  description:
    'The event history under the same rule as `/v1/status-queries`: only events of categories and ' +
    'publishers a valid consent (or statutory basis) covers for you and the purpose. Withheld ' +
    'categories are listed by name only. Paginated with `limit` and `page`; every page that returns ' +
    'a granted category is audited.',
  ...secured('status:read'),
  request: {
    query: paginationQuery,
    body: { required: true, content: { 'application/json': { schema: StatusQuerySchema } } },
  },
  responses: {
    200: {
      description: 'One page of events',
      content: { 'application/json': { schema: TimelineResultSchema } },
    },
    ...securedProblemResponses,
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerQueryStatusTimeline(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(queryStatusTimelineRoute, async (c) => {
    const caller = agencyCaller(c);
    const query = c.req.valid('json');
    const page = c.req.valid('query');
    const timeline = await sqlClientOf(deps.db).begin(async (sql) => {
      const { decision } = await decideAccess(sql, deps.persons, caller, query);
      const result = await readTimeline(sql, decision, page);
      if (decision.grants.size > 0) {
        await auditRead(sql, decision, {
          action: 'status.timeline.read',
          partyId: caller.partyId,
          officerId: caller.officerId,
          purpose: query.purpose,
          requestId: c.get('requestId'),
          details: { page: page.page, limit: page.limit, events: result.events.length },
        });
      }
      return result;
    });
    return c.json(
      {
        events: timeline.events,
        withheldCategories: timeline.withheldCategories,
        page: { limit: page.limit, page: page.page, hasMore: timeline.hasMore },
      },
      200,
    );
  });
}
