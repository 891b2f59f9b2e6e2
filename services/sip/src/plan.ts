import { randomUUID } from 'node:crypto';
import type { SipAction } from '@samsyn/db';
import { isPrincipalKind, partyKindOf } from '@samsyn/domain';
import { type FieldError, ProblemError, type z } from '@samsyn/http';
import type { ActionInputSchema, CoordinatorSchema, GoalSchema } from './schemas';

export interface PlanInput {
  principal?: string | undefined;
  coordinator?: z.infer<typeof CoordinatorSchema> | undefined;
  goals?: Array<z.infer<typeof GoalSchema>> | undefined;
  actions?: Array<z.infer<typeof ActionInputSchema>> | undefined;
}

/**
 * The plan's parties must take part in the SIP, and the principal with overall responsibility is a
 * kommun or a region (SoL 2 kap. 7 §, HSL 16 kap. 4 §). Lists every problem at once.
 */
export function checkPlan(plan: PlanInput, participants: readonly string[]) {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  plan.actions?.forEach((action, i) => {
    if (action.id === undefined) return;
    if (seen.has(action.id))
      errors.push({ location: 'body', pointer: `/actions/${i}/id`, detail: 'two actions with one id' });
    seen.add(action.id);
  });
  const notParticipant = (pointer: string, party: string) =>
    errors.push({ location: 'body', pointer, detail: `${party} does not take part in the SIP` });
  if (plan.principal !== undefined) {
    const kind = partyKindOf(plan.principal);
    if (!kind || !isPrincipalKind(kind)) {
      errors.push({
        location: 'body',
        pointer: '/principal',
        detail: 'the principal must be a kommun or a region',
      });
    } else if (!participants.includes(plan.principal)) notParticipant('/principal', plan.principal);
  }
  if (plan.coordinator && !participants.includes(plan.coordinator.party)) {
    notParticipant('/coordinator/party', plan.coordinator.party);
  }
  plan.goals?.forEach((goal, i) => {
    if (!participants.includes(goal.responsibleParty))
      notParticipant(`/goals/${i}/responsibleParty`, goal.responsibleParty);
  });
  plan.actions?.forEach((action, i) => {
    if (!participants.includes(action.responsibleParty)) {
      notParticipant(`/actions/${i}/responsibleParty`, action.responsibleParty);
    }
  });
  if (errors.length > 0)
    throw new ProblemError('validation-failed', `${errors.length} problem(s) in the plan`, { errors });
}

/** New actions get an id; given ids are kept, so parties can follow an action across revisions. */
export function withActionIds(actions: Array<z.infer<typeof ActionInputSchema>>): SipAction[] {
  return actions.map((action) => ({ ...action, id: action.id ?? randomUUID() }));
}
