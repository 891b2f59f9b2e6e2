import type { CitizenCaller } from '@samsyn/auth';
import { type DbOrTx, type Representation, representations } from '@samsyn/db';
import { ProblemError } from '@samsyn/http';
import { and, eq, gt, isNull, lte } from 'drizzle-orm';

/** Whose data a signed-in individual is looking at: their own, or a current principal's. */
export interface Subject {
  personKey: string;
  /** Set when acting as a representative. */
  representation: Representation | null;
  /** A representation established by a consent covers that consent only. */
  onlyConsentId: string | null;
}

/** Representations that let `representativeKey` act now: started, not yet ended, not ended early. */
export function currentRepresentationsOf(db: DbOrTx, representativeKey: string, at = new Date()) {
  return db
    .select()
    .from(representations)
    .where(
      and(
        eq(representations.representativeKey, representativeKey),
        lte(representations.validFrom, at),
        gt(representations.validUntil, at),
        isNull(representations.endedAt),
      ),
    );
}

/**
 * Resolves `representation` (an id from `GET /v1/me/representations`) to the principal, checked at
 * this request: an ended or expired representation stops working at once. Another person's, or an
 * unknown id, is the same 404.
 */
export async function subjectFor(
  db: DbOrTx,
  caller: CitizenCaller,
  representationId: string | undefined,
): Promise<Subject> {
  if (representationId === undefined)
    return { personKey: caller.personKey, representation: null, onlyConsentId: null };
  const current = await currentRepresentationsOf(db, caller.personKey);
  const representation = current.find((r) => r.id === representationId);
  if (!representation) throw new ProblemError('not-found', 'no such representation');
  return { personKey: representation.principalKey, representation, onlyConsentId: representation.consentId };
}
