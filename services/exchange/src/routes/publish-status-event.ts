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
import { PublishedEventSchema, StatusEventInputSchema } from '../schemas';

export const publishStatusEventRoute = createRoute({
  method: 'post',
  path: '/v1/status-events',
  operationId: 'publishStatusEvent',
  tags: ['Case status'],
  summary: 'Publish one status event about a person',
  description:
    'Appends an event to the person’s history and moves your current status for that category forward ' +
    'unless the event’s effective date is older than the current one. Only the owners of a category may ' +
    'publish it (kommun: assistance, planning, incapacity; region: care, certificate, diagnosis; fk: ' +
    'insurance, coordination; af: planning, coordination, employment). Retrying with the same ' +
    '`Idempotency-Key` and body returns the first result and publishes nothing more.',
  ...secured('status:write'),
  request: {
    headers: idempotencyKeyHeaders,
    body: { required: true, content: { 'application/json': { schema: StatusEventInputSchema } } },
  },
  responses: {
    201: { description: 'Published', content: { 'application/json': { schema: PublishedEventSchema } } },
    ...securedProblemResponses,
    403: problemResponseSpec('category-not-owned'),
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerPublishStatusEvent(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(publishStatusEventRoute, async (c) => {
    const request = {
      caller: agencyCaller(c),
      operation: 'publishStatusEvent',
      key: c.req.valid('header')['idempotency-key'],
      requestId: c.get('requestId'),
    };
    const { body, replayed } = await publishOnce(deps, request, [c.req.valid('json')], () => '');
    const [published] = body;
    if (!published) throw new Error('publishing one event returned nothing');
    if (replayed) c.header('idempotent-replayed', 'true');
    return c.json(published, 201);
  });
}
