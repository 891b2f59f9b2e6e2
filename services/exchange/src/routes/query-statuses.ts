import { sqlClientOf } from '@samsyn/db';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { decideAccess } from '../access';
import { auditRead, grantedStatuses } from '../read';
import { StatusQueryResultSchema, StatusQuerySchema } from '../schemas';

export const queryStatusesRoute = createRoute({
  method: 'post',
  path: '/v1/status-queries',
  operationId: 'queryStatuses',
  tags: ['Case status'],
  summary: 'Read a person’s current status from every party, as far as consent allows',
  description:
    'Returns, per category, the current status from each publishing party — only where a consent valid ' +
    'now names you, the publishing party, the category and the purpose (or a registered statutory basis ' +
    'applies). Every other category is `withheld`, in the same shape whether or not anything exists. ' +
    'A query that returns a granted category is written to the person’s access log in the same ' +
    'transaction. The personnummer travels in the body, never in the URL.',
  ...secured('status:read'),
  request: { body: { required: true, content: { 'application/json': { schema: StatusQuerySchema } } } },
  responses: {
    200: {
      description: 'Per category: granted statuses or withheld',
      content: { 'application/json': { schema: StatusQueryResultSchema } },
    },
    ...securedProblemResponses,
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerQueryStatuses(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(queryStatusesRoute, async (c) => {
    const caller = agencyCaller(c);
    const query = c.req.valid('json');
    const categories = await sqlClientOf(deps.db).begin(async (sql) => {
      const { decision, statuses } = await decideAccess(sql, deps.persons, caller, query, {
        withStatuses: true,
      });
      const result = grantedStatuses(decision, statuses);
      if (decision.grants.size > 0) {
        await auditRead(sql, decision, {
          action: 'status.read',
          partyId: caller.partyId,
          officerId: caller.officerId,
          purpose: query.purpose,
          requestId: c.get('requestId'),
        });
      }
      return result;
    });
    return c.json({ purpose: query.purpose, categories }, 200);
  });
}
