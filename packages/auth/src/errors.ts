/**
 * Why an assertion or token was refused. The code goes to the log line and to tests; callers see the
 * OAuth error (token endpoint) or a 401 problem (API) with a short description.
 */
export type AuthFailure =
  | 'malformed'
  | 'alg_not_allowed'
  | 'missing_kid'
  | 'unknown_issuer'
  | 'inactive_party'
  | 'unknown_kid'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'lifetime_too_long'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'wrong_type'
  | 'replayed_jti'
  | 'missing_claim'
  | 'invalid_subject'
  | 'weak_key'
  | 'dpop_required'
  | 'dpop_invalid'
  | 'replay_store_unavailable'
  | 'keys_unavailable';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly failure: AuthFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Infrastructure failures are ours, not the caller's: they map to 503, never to "invalid". */
export function isUnavailable(error: AuthError): boolean {
  return error.failure === 'replay_store_unavailable' || error.failure === 'keys_unavailable';
}
