import { sqlClientOf } from '@samsyn/db';
import { thresholdSchema } from '@samsyn/domain';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  fieldErrorsOf,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  ProblemError,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { markThresholdChange } from '@samsyn/signals';
import { forbundCaller } from '../forbund';
import { ruleView } from '../rule-views';
import { ruleParam, SignalRuleSchema, ThresholdsInputSchema } from '../schemas';

export const setSignalThresholdsRoute = createRoute({
  method: 'put',
  path: '/v1/signal-rules/{ruleId}/thresholds',
  operationId: 'setSignalThresholds',
  tags: ['Signals'],
  summary: 'Set a rule’s thresholds for your förbund',
  description:
    'Replaces your förbund’s thresholds for the rule; keys left out take the catalogue’s default (`{}` restores ' +
    'them all). Each value must be a whole number within the bounds `GET /v1/signal-rules` lists, or the answer ' +
    'is 422 naming the key (an unknown rule is 422 too: `ruleId` is one of the catalogue’s ids). Takes effect at the next evaluation, within seconds and without a restart: every ' +
    'person with an open signal of the rule, or a time condition pending, is evaluated again.',
  ...secured('signals:admin'),
  request: {
    params: ruleParam,
    body: { required: true, content: { 'application/json': { schema: ThresholdsInputSchema } } },
  },
  responses: {
    200: {
      description: 'The rule as it now applies',
      content: { 'application/json': { schema: SignalRuleSchema } },
    },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerSetSignalThresholds(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(setSignalThresholdsRoute, async (c) => {
    const caller = agencyCaller(c);
    const forbund = forbundCaller(caller);
    const { ruleId } = c.req.valid('param');
    const parsed = thresholdSchema(ruleId).safeParse(c.req.valid('json'));
    if (!parsed.success) {
      const errors = fieldErrorsOf(parsed.error, 'body');
      throw new ProblemError('validation-failed', `${errors.length} threshold(s) refused`, { errors });
    }
    const thresholds = Object.fromEntries(
      Object.entries(parsed.data).filter((entry): entry is [string, number] => entry[1] !== undefined),
    );
    const saved = await sqlClientOf(deps.db).begin(async (sql) => {
      const [row] = await sql<Array<{ updatedAt: string }>>`
        insert into signal_thresholds (forbund_id, rule_id, thresholds, updated_by_officer, updated_at)
        values (${forbund}, ${ruleId}, ${JSON.stringify(thresholds)}::jsonb, ${caller.officerId}, now())
        on conflict (forbund_id, rule_id) do update set
          thresholds = excluded.thresholds, updated_by_officer = excluded.updated_by_officer, updated_at = now()
        returning to_json(updated_at) #>> '{}' as "updatedAt"`;
      const marked = await markThresholdChange(sql, forbund, ruleId);
      return { updatedAt: new Date(row?.updatedAt ?? Date.now()), marked };
    });
    c.get('logger').info(
      { forbund, rule: ruleId, officer: caller.officerId, reevaluated: saved.marked },
      'signal thresholds set',
    );
    return c.json(ruleView(ruleId, { thresholds, updatedAt: saved.updatedAt }), 200);
  });
}
