import type { AgencyCaller } from '@samsyn/auth';
import { type Db, parties } from '@samsyn/db';
import { ProblemError } from '@samsyn/http';
import { and, arrayContains, eq } from 'drizzle-orm';

/** Whose figures: a förbund's (every forum reporting to it) or one member kommun's own part. */
export interface FiguresScope {
  forbundId: string;
  /** Set for a member kommun: only the cases it raised, in the forums it sits in. */
  kommunId: string | null;
}

/**
 * The same rule as the follow-up reports (services/metrics/src/scope.ts), which a service may not
 * import: a förbund reads its own figures; a member kommun its own part (`forbund` names which, when
 * it belongs to several). Any other combination is the same 404 as a förbund that does not exist.
 */
export async function figuresScopeFor(
  db: Db,
  caller: AgencyCaller,
  requested: string | undefined,
): Promise<FiguresScope> {
  if (caller.partyKind === 'forbund') {
    if (requested !== undefined && requested !== caller.partyId) {
      throw new ProblemError('not-found', 'no figures for that förbund');
    }
    return { forbundId: caller.partyId, kommunId: null };
  }
  if (caller.partyKind !== 'kommun')
    throw new ProblemError('insufficient-scope', 'figures are for förbund and their member kommuner');
  const memberships = await db
    .select({ id: parties.id })
    .from(parties)
    .where(and(eq(parties.kind, 'forbund'), arrayContains(parties.memberIds, [caller.partyId])));
  const chosen = requested === undefined && memberships.length === 1 ? memberships[0]?.id : requested;
  if (!chosen || !memberships.some((m) => m.id === chosen)) {
    throw new ProblemError('not-found', 'name a förbund your kommun is a member of with ?forbund=');
  }
  return { forbundId: chosen, kommunId: caller.partyId };
}
