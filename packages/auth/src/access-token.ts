import { randomUUID } from 'node:crypto';
import { isPartyId, isScope, partyKindOf, type Scope } from '@samsyn/domain';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { accessTokenAlgorithm } from './algorithms';
import type { Caller, CallerIdentity } from './caller';
import { AuthError } from './errors';
import { fromJoseError } from './jose-errors';
import type { SigningKey } from './keys';

export const accessTokenType = 'at+jwt';
export const accessTokenAudience = 'samsyn-api';

export interface AccessTokenIssuerOptions {
  issuer: string;
  signingKey: SigningKey;
  lifetimeSeconds: number;
}

export async function issueAccessToken(
  options: AccessTokenIssuerOptions,
  caller: CallerIdentity,
): Promise<{ token: string; expiresIn: number; caller: Caller }> {
  const now = Math.floor(Date.now() / 1000);
  const tokenId = randomUUID();
  const expiresAt = now + options.lifetimeSeconds;
  const claims: Record<string, unknown> = { scope: caller.scopes.join(' ') };
  let subject: string;
  if (caller.kind === 'agency') {
    claims.party = caller.partyId;
    claims.client_id = caller.partyId;
    subject = caller.officerId;
  } else {
    claims.eid_issuer = caller.issuerId;
    subject = `person:${caller.personKey}`;
  }
  if (caller.boundKeyThumbprint) claims.cnf = { jkt: caller.boundKeyThumbprint };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: options.signingKey.alg, kid: options.signingKey.kid, typ: accessTokenType })
    .setIssuer(options.issuer)
    .setAudience(accessTokenAudience)
    .setSubject(subject)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .setJti(tokenId)
    .sign(options.signingKey.privateKey);
  return { token, expiresIn: options.lifetimeSeconds, caller: { ...caller, tokenId, expiresAt } as Caller };
}

export interface AccessTokenVerifierOptions {
  issuer: string;
  /** The gateway's public keys: every replica verifies against the same set. */
  jwks: JSONWebKeySet;
  /** Whether a party or issuer has been deactivated since the token was issued. */
  isRevoked: (caller: Caller) => boolean;
  cacheSize?: number;
}

/**
 * Verifies the gateway's own access tokens. A signature check costs more than the rest of an audited
 * read, so a verified token is remembered until it expires; revocation of the party is still checked on
 * every call, against the in-memory set the registry watch keeps fresh.
 */
export class AccessTokenVerifier {
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;
  private readonly cache: LRUCache<string, Caller>;

  constructor(private readonly options: AccessTokenVerifierOptions) {
    this.keySet = createLocalJWKSet(options.jwks);
    this.cache = new LRUCache({ max: options.cacheSize ?? 50_000 });
  }

  async verify(token: string): Promise<Caller> {
    const now = Date.now() / 1000;
    let caller = this.cache.get(token);
    if (!caller) {
      caller = await this.verifySignature(token);
      const ttl = Math.floor((caller.expiresAt - now) * 1000);
      if (ttl > 0) this.cache.set(token, caller, { ttl });
    }
    if (caller.expiresAt <= now) {
      this.cache.delete(token);
      throw new AuthError('expired', 'the access token has expired');
    }
    if (this.options.isRevoked(caller))
      throw new AuthError('inactive_party', 'the party is no longer active');
    return caller;
  }

  private async verifySignature(token: string): Promise<Caller> {
    try {
      const { payload } = await jwtVerify(token, this.keySet, {
        issuer: this.options.issuer,
        audience: accessTokenAudience,
        algorithms: [accessTokenAlgorithm],
        typ: accessTokenType,
        requiredClaims: ['exp', 'sub', 'jti', 'scope'],
      });
      return callerFromClaims(payload);
    } catch (error) {
      throw fromJoseError(error, 'the access token');
    }
  }
}

function callerFromClaims(payload: Record<string, unknown>): Caller {
  const scopes = String(payload.scope)
    .split(' ')
    .filter((s): s is Scope => isScope(s));
  const cnf = payload.cnf as { jkt?: unknown } | undefined;
  const base = {
    scopes,
    tokenId: String(payload.jti),
    expiresAt: Number(payload.exp),
    ...(typeof cnf?.jkt === 'string' ? { boundKeyThumbprint: cnf.jkt } : {}),
  };
  const sub = String(payload.sub);
  if (typeof payload.party === 'string' && isPartyId(payload.party)) {
    const partyKind = partyKindOf(payload.party);
    if (partyKind) return { ...base, kind: 'agency', partyId: payload.party, partyKind, officerId: sub };
  }
  if (typeof payload.eid_issuer === 'string' && sub.startsWith('person:')) {
    return { ...base, kind: 'citizen', issuerId: payload.eid_issuer, personKey: sub.slice('person:'.length) };
  }
  throw new AuthError('malformed', 'the access token names no caller');
}
