import { errors } from 'jose';
import { AuthError } from './errors';

/** Translates jose's error classes into our closed vocabulary, so logs and tests name one reason. */
export function fromJoseError(error: unknown, what: string): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired)
    return new AuthError('expired', `${what} has expired`, { cause: error });
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'nbf':
      case 'iat':
        return error.reason === 'missing'
          ? new AuthError('missing_claim', `${what} lacks the ${error.claim} claim`, { cause: error })
          : new AuthError('not_yet_valid', `${what} is not yet valid`, { cause: error });
      case 'aud':
        return new AuthError('wrong_audience', `${what} is meant for another audience`, { cause: error });
      case 'iss':
        return new AuthError('wrong_issuer', `${what} has an unexpected issuer`, { cause: error });
      case 'typ':
        return new AuthError('wrong_type', `${what} has the wrong type`, { cause: error });
      default:
        return new AuthError('missing_claim', `${what} lacks a valid ${error.claim} claim`, { cause: error });
    }
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new AuthError('unknown_kid', `${what} names a key that is not registered`, { cause: error });
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthError('unknown_kid', `${what} names an ambiguous key`, { cause: error });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError('bad_signature', `${what} signature does not verify`, { cause: error });
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AuthError('alg_not_allowed', `${what} uses an algorithm that is not allowed`, {
      cause: error,
    });
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new AuthError('keys_unavailable', `keys for ${what} could not be fetched`, { cause: error });
  }
  if (error instanceof TypeError && /modulusLength|2048/.test(error.message)) {
    return new AuthError('weak_key', `${what} is signed with an RSA key shorter than 2048 bits`, {
      cause: error,
    });
  }
  return new AuthError('malformed', `${what} is not a valid JWT`, { cause: error });
}
