import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  figuresScopeFor,
  type OpenAPIHono,
  ProblemError,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { figureDefinitions, signalFigures } from '../figures';
import { figuresQuery, SignalFiguresSchema } from '../schemas';

export const getSignalFiguresRoute = createRoute({
  method: 'get',
  path: '/v1/metrics/signals',
  operationId: 'getSignalFigures',
  tags: ['Follow-up'],
  summary: 'Signals in a period: raised, acknowledged, acted on, and days until the condition cleared',
  description:
    'Per rule, the people with a signal raised in the period and of them those acknowledged, acted on, judged ' +
    'not relevant and whose condition cleared, with the median days from a signal to its condition clearing. ' +
    'Counted among the förbund’s follow-up population only, with small cells suppressed as in every follow-up ' +
    'report. A förbund reads its own figures; a member kommun its own part.',
  ...secured('metrics:read'),
  request: { query: figuresQuery },
  responses: {
    200: { description: 'The figures', content: { 'application/json': { schema: SignalFiguresSchema } } },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    ...commonProblemResponses,
  },
});

export function registerGetSignalFigures(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(getSignalFiguresRoute, async (c) => {
    const query = c.req.valid('query');
    if (query.to < query.from) {
      const detail = 'must not be before from';
      throw new ProblemError('validation-failed', detail, {
        errors: [{ location: 'query', pointer: '/to', detail }],
      });
    }
    const scope = await figuresScopeFor(deps.db, agencyCaller(c), query.forbund);
    const { tables, statistics } = await signalFigures(
      deps.db,
      scope,
      query.from,
      query.to,
      deps.suppressionThreshold,
    );
    return c.json(
      {
        forbund: scope.forbundId,
        kommuner: scope.kommunIds,
        from: query.from,
        to: query.to,
        threshold: deps.suppressionThreshold,
        computedAt: new Date().toISOString(),
        definitions: figureDefinitions,
        tables,
        statistics,
      },
      200,
    );
  });
}
