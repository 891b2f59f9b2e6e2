import { appendAudit, deliveries, sips } from '@samsyn/db';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  ProblemError,
  paginationQuery,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
  z,
} from '@samsyn/http';
import { and, desc, eq, sql } from 'drizzle-orm';
import { DeliveryListSchema, DeliverySchema, idParam } from '../schemas';
import { deliveryView } from '../views';

const stateFilter = z.object({
  state: z
    .enum(['pending', 'queued', 'retrying', 'delivered', 'dead', 'cancelled'])
    .optional()
    .openapi({ description: 'Only deliveries in this state, e.g. `dead` for the dead letters' }),
});

const closingEvents = new Set(['sip.closed', 'consent.withdrawn']);

export const listDeliveriesRoute = createRoute({
  method: 'get',
  path: '/v1/deliveries',
  operationId: 'listDeliveries',
  tags: ['Deliveries'],
  summary: 'Webhook messages addressed to your party, newest first',
  description:
    'Every message the dispatcher sends you, with its state, attempts and last error — the dead ' +
    'letters (`state=dead`) are the ones that exhausted their retries and can be re-driven.',
  ...secured('sip:read'),
  request: { query: paginationQuery.extend(stateFilter.shape) },
  responses: {
    200: { description: 'One page', content: { 'application/json': { schema: DeliveryListSchema } } },
    ...securedProblemResponses,
    ...commonProblemResponses,
  },
});

export const redriveDeliveryRoute = createRoute({
  method: 'post',
  path: '/v1/deliveries/{id}/redrives',
  operationId: 'redriveDelivery',
  tags: ['Deliveries'],
  summary: 'Send a dead letter again',
  description:
    'For the receiving party (after fixing its webhook) or a participant of the SIP it belongs to. ' +
    'The message keeps its `webhook-id`, so a receiver that did get it can tell.',
  ...secured('sip:write'),
  request: { params: idParam },
  responses: {
    202: { description: 'Queued again', content: { 'application/json': { schema: DeliverySchema } } },
    ...securedProblemResponses,
    ...jsonBodyProblemResponses,
    404: problemResponseSpec('not-found'),
    409: problemResponseSpec('not-redrivable'),
    ...commonProblemResponses,
  },
});

export function registerDeliveries(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(listDeliveriesRoute, async (c) => {
    const caller = agencyCaller(c);
    const { limit, page, state } = c.req.valid('query');
    const rows = await deps.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.partyId, caller.partyId), state ? eq(deliveries.state, state) : undefined))
      .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
      .limit(limit + 1)
      .offset((page - 1) * limit);
    return c.json(
      {
        deliveries: rows.slice(0, limit).map(deliveryView),
        page: { limit, page, hasMore: rows.length > limit },
      },
      200,
    );
  });

  app.openapi(redriveDeliveryRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const row = await deps.db.transaction(async (tx) => {
      const [delivery] = await tx.select().from(deliveries).where(eq(deliveries.id, id)).for('update');
      const [sip] = delivery?.sipId
        ? await tx
            .select({ participants: sips.participants, personKey: sips.personKey, closedAt: sips.closedAt })
            .from(sips)
            .where(eq(sips.id, delivery.sipId))
        : [];
      const allowed =
        delivery?.partyId === caller.partyId || (sip?.participants.includes(caller.partyId) ?? false);
      if (!delivery || !allowed) throw new ProblemError('not-found', 'no such delivery');
      if (delivery.state !== 'dead')
        throw new ProblemError('not-redrivable', `the delivery is ${delivery.state}`);
      // A closed SIP's invitations and reminders are moot; only its closing and withdrawal notices still matter.
      if (sip?.closedAt && !closingEvents.has(delivery.eventType)) {
        throw new ProblemError('not-redrivable', 'the SIP is closed; its meetings no longer take place');
      }
      const [redriven] = await tx
        .update(deliveries)
        .set({
          state: 'pending',
          relayedAt: null,
          lastError: null,
          generation: sql`${deliveries.generation} + 1`,
        })
        .where(eq(deliveries.id, id))
        .returning();
      if (!redriven) throw new Error('redrive returned no row');
      if (sip) {
        await appendAudit(tx, {
          action: 'delivery.redriven',
          partyId: caller.partyId,
          officerId: caller.officerId,
          personKey: sip.personKey,
          requestId: c.get('requestId'),
          details: { deliveryId: id, generation: redriven.generation },
        });
      }
      return redriven;
    });
    return c.json(deliveryView(row), 202);
  });
}
