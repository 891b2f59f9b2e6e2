import { persons } from '@samsyn/db';
import {
  type AppEnv,
  citizenCaller,
  commonProblemResponses,
  createRoute,
  type OpenAPIHono,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { inArray } from 'drizzle-orm';
import { currentRepresentationsOf } from '../self';
import { RepresentationListSchema } from '../self-schemas';

export const myRepresentationsRoute = createRoute({
  method: 'get',
  path: '/v1/me/representations',
  operationId: 'listMyRepresentations',
  tags: ['Self-service'],
  summary: 'Whom I represent, now',
  description:
    'For an individual signed in with e-ID: the people you may act for today (as ombud, god man, ' +
    'förvaltare or närstående), each with the id to pass as `representation` to the other `/v1/me` routes.',
  ...secured('self:read'),
  responses: {
    200: {
      description: 'Current representations',
      content: { 'application/json': { schema: RepresentationListSchema } },
    },
    ...securedProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerMyRepresentations(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(myRepresentationsRoute, async (c) => {
    const caller = citizenCaller(c);
    const current = await currentRepresentationsOf(deps.db, caller.personKey);
    const principals =
      current.length === 0
        ? []
        : await deps.db
            .select()
            .from(persons)
            .where(
              inArray(
                persons.personKey,
                current.map((r) => r.principalKey),
              ),
            );
    const numbers = new Map(principals.map((p) => [p.personKey, deps.persons.open(p.sealedNumber)]));
    return c.json(
      {
        representations: current.map((r) => ({
          id: r.id,
          kind: r.kind,
          principal: { personnummer: numbers.get(r.principalKey) ?? '' },
          validFrom: r.validFrom.toISOString(),
          validUntil: r.validUntil.toISOString(),
          consentId: r.consentId,
        })),
      },
      200,
    );
  });
}
