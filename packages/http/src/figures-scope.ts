import type { AgencyCaller } from '@samsyn/auth';
import { type Db, parties } from '@samsyn/db';
import { and, arrayContains, eq } from 'drizzle-orm';
import { ProblemError } from './problems';

/** Whose follow-up figures: a förbund's (all its member kommuner) or one member kommun's own part. */
export interface FiguresScope {
  forbundId: string;
  kommunIds: string[];
  /** A member kommun reading its own part, not the förbund reading the whole. */
  ownPart: boolean;
}

/**
 * The one rule for every follow-up report (status figures, consultations, signals): a förbund reads
 * its own figures; a member kommun reads its own part of a förbund's figures (`forbund` names which,
 * when the kommun belongs to several). Any other combination is refused with the same 404 as a förbund
 * that does not exist, so figures of others cannot be probed.
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
    const [self] = await db.select().from(parties).where(eq(parties.id, caller.partyId));
    const kommunIds = (self?.memberIds ?? []).filter((id) => id.startsWith('kommun:'));
    return { forbundId: caller.partyId, kommunIds, ownPart: false };
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
  return { forbundId: chosen, kommunIds: [caller.partyId], ownPart: true };
}
