import { sqlClientOf } from '@samsyn/db';
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
} from '@samsyn/http';
import { appendSignalAudit, signalDisclosure } from '@samsyn/signals';
import { idParam, SignalWithPersonSchema } from '../schemas';
import { ownSignal } from '../store';
import { signalView } from '../views';

export const getSignalRoute = createRoute({
  method: 'get',
  path: '/v1/signals/{id}',
  operationId: 'getSignal',
  tags: ['Signals'],
  summary: 'One of your signals, with who it is about while consent allows',
  description:
    'Webhooks carry the signal id only; this is how your system learns what it is about. The person (their ' +
    'personnummer, the day the situation began, the SIP concerned) is included only while a consent valid now ' +
    'still lets you read every category the rule read; each such answer is written to the person’s access log ' +
    'in the same transaction. Other parties’ signals do not exist for you (404).',
  ...secured('signals:read'),
  request: { params: idParam },
  responses: {
    200: { description: 'The signal', content: { 'application/json': { schema: SignalWithPersonSchema } } },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    ...commonProblemResponses,
  },
});

export function registerGetSignal(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(getSignalRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const view = await sqlClientOf(deps.db).begin(async (sql) => {
      const signal = await ownSignal(sql, id, caller.partyId);
      const disclosure = await signalDisclosure(sql, signal, new Date());
      if (!disclosure) return { ...signalView(signal), person: null };
      const [person] = await sql<Array<{ sealedNumber: string }>>`
        select sealed_number as "sealedNumber" from persons where person_key = ${signal.personKey}`;
      if (!person) throw new Error('a signal without its person');
      await appendSignalAudit(sql, [
        {
          action: 'signal.read',
          partyId: caller.partyId,
          officerId: caller.officerId,
          personKey: signal.personKey,
          purpose: disclosure.purpose,
          legalBasis: disclosure.legalBasis,
          consentIds: disclosure.consentIds,
          categories: disclosure.categories,
          requestId: c.get('requestId'),
          details: { signalId: signal.id },
        },
      ]);
      return {
        ...signalView(signal),
        person: {
          personnummer: deps.persons.open(person.sealedNumber),
          conditionSince: signal.conditionSince,
          sipId: signal.references.sipId ?? null,
        },
      };
    });
    return c.json(view, 200);
  });
}
