import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import { assertionAlgorithms } from './algorithms';
import { AuthError } from './errors';
import { fromJoseError } from './jose-errors';
import type { ReplayGuard } from './replay';

/** How far a DPoP proof's `iat` may stray from our clock (RFC 9449 §11.1 leaves it to the server). */
const proofWindowSeconds = 60;

export interface DpopProofInput {
  proof: string | undefined;
  method: string;
  /** The request URL without query and fragment (RFC 9449 §4.3 `htu`). */
  url: string;
  /** At a resource: the access token the proof must be bound to (`ath`). */
  accessToken?: string;
  replay: ReplayGuard;
}

/** Verifies a DPoP proof (RFC 9449) and returns the thumbprint of the key it proves possession of. */
export async function verifyDpopProof(input: DpopProofInput): Promise<string> {
  if (!input.proof) throw new AuthError('dpop_required', 'this party must send a DPoP proof');
  try {
    const { payload, protectedHeader } = await jwtVerify(input.proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [...assertionAlgorithms],
      maxTokenAge: proofWindowSeconds,
      clockTolerance: proofWindowSeconds,
      requiredClaims: ['iat', 'jti', 'htm', 'htu'],
    });
    if (payload.htm !== input.method)
      throw new AuthError('dpop_invalid', 'the DPoP proof is for another method');
    if (payload.htu !== input.url) throw new AuthError('dpop_invalid', 'the DPoP proof is for another URL');
    if (input.accessToken !== undefined) {
      const ath = createHash('sha256').update(input.accessToken).digest('base64url');
      if (payload.ath !== ath)
        throw new AuthError('dpop_invalid', 'the DPoP proof is for another access token');
    }
    if (!protectedHeader.jwk) throw new AuthError('dpop_invalid', 'the DPoP proof carries no key');
    const thumbprint = await calculateJwkThumbprint(protectedHeader.jwk);
    await input.replay.claim('dpop', `${thumbprint}:${String(payload.jti)}`, proofWindowSeconds * 2);
    return thumbprint;
  } catch (error) {
    if (error instanceof AuthError) throw error;
    const mapped = fromJoseError(error, 'the DPoP proof');
    throw new AuthError('dpop_invalid', mapped.message, { cause: error });
  }
}
