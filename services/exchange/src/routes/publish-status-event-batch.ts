import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  idempotencyKeyHeaders,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { publishOnce } from '../publish';
import { batchLimit, PublishedBatchSchema, StatusEventBatchSchema } from '../schemas';

export const publishStatusEventBatchRoute = createRoute({
  method: 'post',
  path: '/v1/status-events/batch',
  operationId: 'publishStatusEventBatch',
  tags: ['Case status'],
  summary: `Publish up to ${batchLimit} status events at once`,
  description:
    'The batch is **atomic**: every event is validated and checked for ownership first, and either all ' +
    'are published in one transaction or none is. A refusal lists each failing event by its JSON ' +
    'pointer (`/events/3/data/extent`). On success `results` has one entry per event, in order, with ' +
    'its `index`. `Idempotency-Key` works as for a single event.',
  ...secured('status:write'),
  request: {
    headers: idempotencyKeyHeaders,
    body: { required: true, content: { 'application/json': { schema: StatusEventBatchSchema } } },
  },
  responses: {
    201: { description: 'All published', content: { 'application/json': { schema: PublishedBatchSchema } } },
    ...securedProblemResponses,
    403: problemResponseSpec('category-not-owned'),
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerPublishStatusEventBatch(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(publishStatusEventBatchRoute, async (c) => {
    const request = {
      caller: agencyCaller(c),
      operation: 'publishStatusEventBatch',
      key: c.req.valid('header')['idempotency-key'],
      requestId: c.get('requestId'),
    };
    const { events } = c.req.valid('json');
    const { body, replayed } = await publishOnce(deps, request, events, (index) => `/events/${index}`);
    if (replayed) c.header('idempotent-replayed', 'true');
    return c.json({ results: body.map((result, index) => ({ index, ...result })) }, 201);
  });
}
