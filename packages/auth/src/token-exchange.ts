import type { DbOrTx } from '@samsyn/db';
import {
  citizenScopes,
  isScope,
  parsePersonNumber,
  parseScopeString,
  partyKindOf,
  type Scope,
  scopesByPartyKind,
} from '@samsyn/domain';
import { decodeJwt, decodeProtectedHeader, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { type AccessTokenIssuerOptions, issueAccessToken } from './access-token';
import { assertionAlgorithms, isAllowedAlgorithm } from './algorithms';
import type { Caller, CallerIdentity } from './caller';
import { verifyDpopProof } from './dpop';
import { AuthError } from './errors';
import { fromJoseError } from './jose-errors';
import { personKey } from './person-key';
import { findCitizenIssuer, findParty, keySetOf } from './registry';
import type { ReplayGuard } from './replay';

export const jwtBearerGrantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** RFC 7523 lets the issuer limit assertion lifetime; ours is five minutes. */
export const maxAssertionLifetimeSeconds = 300;
export const clockSkewSeconds = 60;

export interface TokenExchangeDeps {
  db: DbOrTx;
  replay: ReplayGuard;
  accessTokens: AccessTokenIssuerOptions;
  /** Values accepted as `aud`: the token endpoint URL and the gateway's issuer identifier. */
  audiences: readonly string[];
  tokenEndpoint: string;
  personKeySecret: string;
}

export interface TokenRequest {
  assertion: string;
  scope: string | undefined;
  dpopProof: string | undefined;
}

export interface TokenGrant {
  accessToken: string;
  tokenType: 'Bearer' | 'DPoP';
  expiresIn: number;
  scope: string;
  caller: Caller;
}

/** OAuth `invalid_scope`: separate from AuthError because it is the caller's request, not its identity. */
export class ScopeError extends Error {
  override readonly name = 'ScopeError';
}

interface VerifiedAssertion {
  payload: JWTPayload & { sub: string; exp: number; jti: string };
}

/**
 * Exchanges a signed assertion (RFC 7523 §2.1) for a short-lived gateway access token. The assertion's
 * `iss` is a registered party (agency) or a trusted citizen e-ID issuer (`eid:*`).
 */
export async function exchangeAssertion(deps: TokenExchangeDeps, request: TokenRequest): Promise<TokenGrant> {
  const { issuerId, header } = peekAssertion(request.assertion);
  const requested = parseScopeString(request.scope);

  if (issuerId.startsWith('eid:')) {
    const issuer = await findCitizenIssuer(deps.db, issuerId);
    if (!issuer) throw new AuthError('unknown_issuer', 'the assertion issuer is not a trusted e-ID issuer');
    if (!issuer.active) throw new AuthError('inactive_party', 'the e-ID issuer is not active');
    const { payload } = await verifyAssertion(
      deps,
      request.assertion,
      issuerId,
      keySetOf(issuer),
      header.alg,
    );
    const person = parsePersonNumber(payload.sub);
    if (!person.ok) throw new AuthError('invalid_subject', 'the e-ID subject is not a valid personnummer');
    const scopes = grantScopes(requested, citizenScopes);
    return grant(deps, request, undefined, {
      kind: 'citizen',
      issuerId,
      personKey: personKey(deps.personKeySecret, person.value.normalised),
      scopes,
    });
  }

  const party = await findParty(deps.db, issuerId);
  const partyKind = partyKindOf(issuerId);
  if (!party || !partyKind)
    throw new AuthError('unknown_issuer', 'the assertion issuer is not a registered party');
  if (!party.active) throw new AuthError('inactive_party', 'the party is not active');
  const { payload } = await verifyAssertion(deps, request.assertion, issuerId, keySetOf(party), header.alg);
  const scopes = grantScopes(requested, scopesByPartyKind[partyKind]);
  return grant(deps, request, party.dpopRequired, {
    kind: 'agency',
    partyId: party.id,
    partyKind,
    officerId: payload.sub,
    scopes,
  });
}

function peekAssertion(assertion: string): { issuerId: string; header: { alg: string } } {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch (cause) {
    throw new AuthError('malformed', 'the assertion is not a signed JWT', { cause });
  }
  if (!isAllowedAlgorithm(header.alg)) {
    throw new AuthError('alg_not_allowed', `alg must be one of ${assertionAlgorithms.join(', ')}`);
  }
  if (typeof header.kid !== 'string' || header.kid.length === 0) {
    throw new AuthError('missing_kid', 'the assertion header must name its key (kid)');
  }
  if (typeof claims.iss !== 'string') throw new AuthError('missing_claim', 'the assertion lacks iss');
  return { issuerId: claims.iss, header: { alg: header.alg } };
}

async function verifyAssertion(
  deps: TokenExchangeDeps,
  assertion: string,
  issuerId: string,
  keySet: JWTVerifyGetKey,
  alg: string,
): Promise<VerifiedAssertion> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, keySet, {
      issuer: issuerId,
      audience: [...deps.audiences],
      algorithms: [alg],
      clockTolerance: clockSkewSeconds,
      requiredClaims: ['exp', 'sub', 'jti'],
    }));
  } catch (error) {
    throw fromJoseError(error, 'the assertion');
  }
  const { sub, exp, jti } = payload;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) {
    throw new AuthError('missing_claim', 'the assertion lacks a valid sub');
  }
  if (typeof exp !== 'number' || typeof jti !== 'string' || jti.length === 0 || jti.length > 200) {
    throw new AuthError('missing_claim', 'the assertion lacks a valid exp or jti');
  }
  const now = Math.floor(Date.now() / 1000);
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : now;
  if (
    exp - issuedAt > maxAssertionLifetimeSeconds ||
    exp - now > maxAssertionLifetimeSeconds + clockSkewSeconds
  ) {
    throw new AuthError('lifetime_too_long', `assertions may live at most ${maxAssertionLifetimeSeconds} s`);
  }
  // Remember the jti until the assertion could no longer pass the exp check anyway.
  await deps.replay.claim(issuerId, jti, exp - now + clockSkewSeconds);
  return { payload: { ...payload, sub, exp, jti } };
}

function grantScopes(requested: string[], allowed: readonly Scope[]): Scope[] {
  if (requested.length === 0) throw new ScopeError('name the scopes you need in `scope`');
  const refused = requested.filter((s) => !isScope(s) || !allowed.includes(s));
  if (refused.length > 0) throw new ScopeError(`not available to this caller: ${refused.join(' ')}`);
  return requested.filter(isScope);
}

async function grant(
  deps: TokenExchangeDeps,
  request: TokenRequest,
  dpopRequired: boolean | undefined,
  caller: CallerIdentity,
): Promise<TokenGrant> {
  let boundKeyThumbprint: string | undefined;
  if (dpopRequired || request.dpopProof !== undefined) {
    boundKeyThumbprint = await verifyDpopProof({
      proof: request.dpopProof,
      method: 'POST',
      url: deps.tokenEndpoint,
      replay: deps.replay,
    });
  }
  const issued = await issueAccessToken(deps.accessTokens, {
    ...caller,
    ...(boundKeyThumbprint ? { boundKeyThumbprint } : {}),
  });
  return {
    accessToken: issued.token,
    tokenType: boundKeyThumbprint ? 'DPoP' : 'Bearer',
    expiresIn: issued.expiresIn,
    scope: caller.scopes.join(' '),
    caller: issued.caller,
  };
}
