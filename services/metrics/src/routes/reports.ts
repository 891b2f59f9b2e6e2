import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  type OpenAPIHono,
  ProblemError,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
  z,
} from '@samsyn/http';
import type { Context } from 'hono';
import { flowDefinitions, flowTables } from '../flows';
import { outcomeDefinitions, outcomesOf, outcomeTables } from '../outcomes';
import { type PublishedTable, tablesAsCsv } from '../report';
import {
  FlowQuery,
  FlowReportSchema,
  OutcomeQuery,
  OutcomeReportSchema,
  TargetGroupQuery,
  TargetGroupReportSchema,
} from '../schemas';
import { scopeFor } from '../scope';
import { targetGroupDefinitions, targetGroupReport, targetGroupRows } from '../target-group';

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

function refuseOrder(pointer: string, detail: string): never {
  throw new ProblemError('validation-failed', detail, { errors: [{ location: 'query', pointer, detail }] });
}

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

function reportBase(
  scope: { forbundId: string; kommunIds: string[] },
  threshold: number,
  started: number,
  tables: PublishedTable[],
) {
  return {
    forbund: scope.forbundId,
    kommuner: scope.kommunIds,
    threshold,
    computedAt: new Date().toISOString(),
    computationMs: Math.round(performance.now() - started),
    tables,
  };
}

export function registerReports(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  const threshold = deps.suppressionThreshold;

  app.openapi(targetGroupRoute, async (c) => {
    const started = performance.now();
    const query = c.req.valid('query');
    if (query.previous && query.previous >= query.at) refuseOrder('/previous', 'must be before at');
    const scope = await scopeFor(deps.db, agencyCaller(c), query.forbund);
    const tables = await targetGroupReport(deps.db, scope, query.at, query.previous, threshold);
    if (csvAccepted(c))
      return c.body(tablesAsCsv(tables), 200, { 'content-type': 'text/csv; charset=utf-8' });
    return c.json(
      {
        ...reportBase(scope, threshold, started, tables),
        at: query.at,
        previous: query.previous ?? null,
        definitions: targetGroupDefinitions,
      },
      200,
    );
  });

  app.openapi(outcomesRoute, async (c) => {
    const started = performance.now();
    const query = c.req.valid('query');
    if (query.followUp <= query.baseline) refuseOrder('/followUp', 'must be after baseline');
    if (query.previous && query.previous >= query.baseline)
      refuseOrder('/previous', 'must be before baseline');
    const scope = await scopeFor(deps.db, agencyCaller(c), query.forbund);
    const baseline = await targetGroupRows(deps.db, scope, query.baseline);
    const outcomes = await outcomesOf(deps.db, scope, baseline, query.followUp);
    const previous = query.previous
      ? new Set((await targetGroupRows(deps.db, scope, query.previous)).keys())
      : undefined;
    const tables = outcomeTables(baseline, outcomes, previous, threshold);
    if (csvAccepted(c))
      return c.body(tablesAsCsv(tables), 200, { 'content-type': 'text/csv; charset=utf-8' });
    return c.json(
      {
        ...reportBase(scope, threshold, started, tables),
        baseline: query.baseline,
        followUp: query.followUp,
        previous: query.previous ?? null,
        definitions: { ...targetGroupDefinitions, ...outcomeDefinitions },
      },
      200,
    );
  });

  app.openapi(flowsRoute, async (c) => {
    const started = performance.now();
    const query = c.req.valid('query');
    if (query.to < query.from) refuseOrder('/to', 'must not be before from');
    const scope = await scopeFor(deps.db, agencyCaller(c), query.forbund);
    const { tables, statistics } = await flowTables(deps.db, scope, query.from, query.to, threshold);
    if (csvAccepted(c))
      return c.body(tablesAsCsv(tables), 200, { 'content-type': 'text/csv; charset=utf-8' });
    return c.json(
      {
        ...reportBase(scope, threshold, started, tables),
        from: query.from,
        to: query.to,
        statistics,
        definitions: flowDefinitions,
      },
      200,
    );
  });
}
