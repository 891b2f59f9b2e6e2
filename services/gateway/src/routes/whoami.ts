import { findParty } from '@samsyn/auth';
import type { Db } from '@samsyn/db';
import { partyKinds, scopes } from '@samsyn/domain';
import {
  type AppEnv,
  commonProblemResponses,
  createRoute,
  type OpenAPIHono,
  secured,
  securedProblemResponses,
  z,
} from '@samsyn/http';

export const WhoamiSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('agency'),
      party: z.object({
        id: z.string().max(100).openapi({ example: 'kommun:1281' }),
        kind: z.enum(partyKinds),
        displayName: z.string().max(200).openapi({ example: 'Lunds kommun' }),
      }),
      officer: z.string().max(200).openapi({ example: 'handlaggare-17' }),
      scopes: z.array(z.enum(scopes)).max(scopes.length),
      expiresAt: z.iso.datetime().max(30).openapi({ example: '2026-11-22T10:15:00Z' }),
    }),
    z.object({
      kind: z.literal('citizen'),
      issuer: z.string().max(100).openapi({ example: 'eid:dev' }),
      scopes: z.array(z.enum(scopes)).max(scopes.length),
      expiresAt: z.iso.datetime().max(30),
    }),
  ])
  .openapi('Whoami');

export type Whoami = z.infer<typeof WhoamiSchema>;

export const whoamiRoute = createRoute({
  method: 'get',
  path: '/v1/whoami',
  operationId: 'getWhoami',
  tags: ['Authentication'],
  summary: 'The caller behind the access token',
  ...secured('whoami'),
  responses: {
    200: { description: 'The caller', content: { 'application/json': { schema: WhoamiSchema } } },
    ...securedProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerWhoamiRoute(app: OpenAPIHono<AppEnv>, db: Db) {
  app.openapi(whoamiRoute, async (c) => {
    const caller = c.get('caller');
    const expiresAt = new Date(caller.expiresAt * 1000).toISOString();
    if (caller.kind === 'citizen') {
      return c.json(
        { kind: 'citizen' as const, issuer: caller.issuerId, scopes: [...caller.scopes], expiresAt },
        200,
      );
    }
    const party = await findParty(db, caller.partyId);
    return c.json(
      {
        kind: 'agency' as const,
        party: {
          id: caller.partyId,
          kind: caller.partyKind,
          displayName: party?.displayName ?? caller.partyId,
        },
        officer: caller.officerId,
        scopes: [...caller.scopes],
        expiresAt,
      },
      200,
    );
  });
}
