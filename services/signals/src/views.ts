import type { Signal } from '@samsyn/db';
import { explain, isSignalRuleId, ruleOf, type SignalRuleId } from '@samsyn/domain';
import { ProblemError } from '@samsyn/http';

function ruleIdOf(signal: Pick<Signal, 'ruleId'>): SignalRuleId {
  // Every stored id comes from the catalogue; one that left it has no meaning to show.
  if (!isSignalRuleId(signal.ruleId)) throw new ProblemError('not-found', 'no such signal');
  return signal.ruleId;
}

/** A signal as its party sees it in lists: the rule and what happened, never who it is about. */
export function signalView(signal: Signal) {
  const ruleId = ruleIdOf(signal);
  const rule = ruleOf(ruleId);
  return {
    id: signal.id,
    rule: {
      id: ruleId,
      title: rule.title,
      explanation: explain(ruleId, signal.thresholds),
      reads: [...rule.reads],
      purpose: rule.purpose,
    },
    party: signal.partyId,
    state: signal.state,
    raisedAt: signal.raisedAt.toISOString(),
    clearedAt: signal.clearedAt?.toISOString() ?? null,
    clearedBecause: signal.clearedBecause,
    thresholds: signal.thresholds,
    thresholdsSetBy: signal.forbundId,
    acknowledgement:
      signal.acknowledgedAt && signal.acknowledgementOutcome && signal.acknowledgedByOfficer
        ? {
            outcome: signal.acknowledgementOutcome,
            reason: signal.acknowledgementReason,
            officer: signal.acknowledgedByOfficer,
            acknowledgedAt: signal.acknowledgedAt.toISOString(),
          }
        : null,
  };
}
