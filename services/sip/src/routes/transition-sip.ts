import { cancelOpenDeliveries, invitations, meetings, sips } from '@samsyn/db';
import { type SipPhase, sipPhaseLabels, transition } from '@samsyn/domain';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  ProblemError,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { and, eq, sql } from 'drizzle-orm';
import { auditSip, refuse, sipVisibleTo } from '../access';
import { loadSipView } from '../load';
import { enqueueSipClosed } from '../messages';
import { idParam, SipSchema, TransitionSchema } from '../schemas';

export const transitionSipRoute = createRoute({
  method: 'post',
  path: '/v1/sips/{id}/transitions',
  operationId: 'transitionSip',
  tags: ['SIP'],
  summary: 'Move the SIP to another phase',
  description:
    'Phases: need → consent and participation → invitation and preparation → meeting → coordination ' +
    '→ follow-up, with follow-up → coordination or → invitation (a follow-up meeting), coordination → ' +
    'invitation, and any phase → closure with a `closureReason`. Anything else is 409 ' +
    '`illegal-transition` naming both phases. Closure cancels scheduled meetings, pending invitations ' +
    'and reminders, and tells every participant.',
  ...secured('sip:write'),
  request: {
    params: idParam,
    body: { required: true, content: { 'application/json': { schema: TransitionSchema } } },
  },
  responses: {
    200: { description: 'The SIP in its new phase', content: { 'application/json': { schema: SipSchema } } },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    409: problemResponseSpec('illegal-transition'),
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

export function illegalTransition(from: SipPhase, to: SipPhase): never {
  throw new ProblemError(
    'illegal-transition',
    `a SIP cannot move from ${from} (${sipPhaseLabels[from]}) to ${to} (${sipPhaseLabels[to]})`,
  );
}

export function registerTransitionSip(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(transitionSipRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const { to, closureReason } = c.req.valid('json');
    const view = await deps.db.transaction(async (tx) => {
      const { sip, consent } = await sipVisibleTo(tx, caller, id, { forUpdate: true });
      const from = sip.phase as SipPhase;
      const result = transition(from, to, closureReason);
      if (!result.ok) {
        if (result.error === 'illegal_transition') illegalTransition(from, to);
        if (result.error === 'closure_reason_required')
          refuse('/closureReason', 'closing a SIP needs a reason');
        refuse('/closureReason', 'only a closure has a reason');
      }
      const closing = result.phase === 'closure';
      const [updated] = await tx
        .update(sips)
        .set({
          phase: result.phase,
          updatedAt: sql`now()`,
          ...(closing ? { closureReason: result.closureReason, closedAt: sql`now()` } : {}),
        })
        .where(eq(sips.id, id))
        .returning();
      if (!updated) throw new Error('SIP transition returned no row');
      if (closing) {
        await tx
          .update(meetings)
          .set({ status: 'cancelled', updatedAt: sql`now()` })
          .where(and(eq(meetings.sipId, id), eq(meetings.status, 'scheduled')));
        await tx
          .update(invitations)
          .set({ status: 'cancelled' })
          .where(and(eq(invitations.sipId, id), eq(invitations.status, 'active')));
        await cancelOpenDeliveries(tx, { sipId: id });
        await enqueueSipClosed(tx, updated);
      }
      await auditSip(tx, 'sip.transitioned', { caller, requestId: c.get('requestId') }, sip, consent, {
        from,
        to: result.phase,
        closureReason: result.closureReason,
      });
      return loadSipView(tx, updated);
    });
    return c.json(view, 200);
  });
}
