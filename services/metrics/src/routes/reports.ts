import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  type OpenAPIHono,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
  z,
} from '@samsyn/http';
import type { Context } from 'hono';
import { tablesAsCsv } from '../report';
import { flowsFor, outcomesFor, targetGroupFor } from '../reports';
import {
  FlowQuery,
  FlowReportSchema,
  OutcomeQuery,
  OutcomeReportSchema,
  TargetGroupQuery,
  TargetGroupReportSchema,
} from '../schemas';

function responses<S extends z.ZodType>(schema: S, description: string) {
  return {
    200: {
      description,
      content: {
        'application/json': { schema },
        'text/csv': {
          schema: z
            .string()
            .max(10_000_000)
            .openapi({ description: 'One line per cell: table,title,cell,label,count,share' }),
        },
      },
    },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    ...commonProblemResponses,
  };
}

const csvAccepted = (c: Context<AppEnv>) => (c.req.header('accept') ?? '').includes('text/csv');

const csvHeaders = { 'content-type': 'text/csv; charset=utf-8' };

const targetGroupRoute = createRoute({
  method: 'get',
  path: '/v1/metrics/target-group',
  operationId: 'getTargetGroup',
  tags: ['Follow-up'],
  summary: 'The target-group snapshot at a date (the KAOS/Kaosam table)',
  description:
    'People aged 18–65 on assistance from a member kommun who meet at least one of the five criteria, ' +
    'counted only under a follow-up consent. Small cells are suppressed. JSON, or CSV with `Accept: text/csv`.',
  ...secured('metrics:read'),
  request: { query: TargetGroupQuery },
  responses: responses(TargetGroupReportSchema, 'The snapshot'),
});

const outcomesRoute = createRoute({
  method: 'get',
  path: '/v1/metrics/outcomes',
  operationId: 'getOutcomes',
  tags: ['Follow-up'],
  summary: 'Outcomes of a baseline target group at a follow-up date',
  ...secured('metrics:read'),
  request: { query: OutcomeQuery },
  responses: responses(OutcomeReportSchema, 'The outcomes'),
});

const flowsRoute = createRoute({
  method: 'get',
  path: '/v1/metrics/flows',
  operationId: 'getFlows',
  tags: ['Follow-up'],
  summary: 'SIP and coordination activity in a period',
  ...secured('metrics:read'),
  request: { query: FlowQuery },
  responses: responses(FlowReportSchema, 'The flows'),
});

export function registerReports(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  const source = { db: deps.db, threshold: deps.suppressionThreshold };

  app.openapi(targetGroupRoute, async (c) => {
    const report = await targetGroupFor(source, agencyCaller(c), c.req.valid('query'));
    if (csvAccepted(c)) return c.body(tablesAsCsv(report.tables), 200, csvHeaders);
    return c.json(report, 200);
  });

  app.openapi(outcomesRoute, async (c) => {
    const report = await outcomesFor(source, agencyCaller(c), c.req.valid('query'));
    if (csvAccepted(c)) return c.body(tablesAsCsv(report.tables), 200, csvHeaders);
    return c.json(report, 200);
  });

  app.openapi(flowsRoute, async (c) => {
    const report = await flowsFor(source, agencyCaller(c), c.req.valid('query'));
    if (csvAccepted(c)) return c.body(tablesAsCsv(report.tables), 200, csvHeaders);
    return c.json(report, 200);
  });
}
