import { signalThresholds } from '@samsyn/db';
import { isSignalRuleId, signalRuleIds } from '@samsyn/domain';
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
import { eq } from 'drizzle-orm';
import { forbundCaller } from '../forbund';
import { ruleView } from '../rule-views';
import { SignalRuleListSchema } from '../schemas';

export const listSignalRulesRoute = createRoute({
  method: 'get',
  path: '/v1/signal-rules',
  operationId: 'listSignalRules',
  tags: ['Signals'],
  summary: 'The signal rules, with the thresholds that apply for your förbund',
  description:
    'Every rule: what it notices (in Swedish and English), the categories it reads (a consent must cover each ' +
    'one), whom it tells, and each threshold with its default, bounds and the value your förbund set. For ' +
    'samordningsförbund (`signals:admin`).',
  ...secured('signals:admin'),
  responses: {
    200: { description: 'The catalogue', content: { 'application/json': { schema: SignalRuleListSchema } } },
    ...securedProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerListSignalRules(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(listSignalRulesRoute, async (c) => {
    const forbund = forbundCaller(agencyCaller(c));
    const rows = await deps.db.select().from(signalThresholds).where(eq(signalThresholds.forbundId, forbund));
    const own = new Map(rows.filter((row) => isSignalRuleId(row.ruleId)).map((row) => [row.ruleId, row]));
    return c.json({ forbund, rules: signalRuleIds.map((id) => ruleView(id, own.get(id))) }, 200);
  });
}
