import type { AgencyCaller, CitizenCaller } from '@samsyn/auth';
import type { Context } from 'hono';
import type { AppEnv } from './env';
import { ProblemError } from './problems';

/** The agency behind the token; individuals' tokens never reach agency operations. */
export function agencyCaller(c: Context<AppEnv>): AgencyCaller {
  const caller = c.get('caller');
  if (caller.kind !== 'agency')
    throw new ProblemError('insufficient-scope', 'this operation is for agency systems');
  return caller;
}

export function citizenCaller(c: Context<AppEnv>): CitizenCaller {
  const caller = c.get('caller');
  if (caller.kind !== 'citizen')
    throw new ProblemError('insufficient-scope', 'this operation is for individuals');
  return caller;
}
