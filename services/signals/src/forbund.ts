import type { AgencyCaller } from '@samsyn/auth';
import { ProblemError } from '@samsyn/http';

/** Thresholds are a förbund's to set for its own area; only a förbund's token carries `signals:admin`. */
export function forbundCaller(caller: AgencyCaller): string {
  if (caller.partyKind !== 'forbund')
    throw new ProblemError('insufficient-scope', 'thresholds are set by a förbund');
  return caller.partyId;
}
