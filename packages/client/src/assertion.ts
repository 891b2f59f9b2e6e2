import { randomUUID } from 'node:crypto';
import { importJWK, type JWK, SignJWT } from 'jose';

export interface AssertionInput {
  /** The caller's registered id: a party (`kommun:1281`) or an e-ID issuer (`eid:dev`). */
  issuer: string;
  subject: string;
  audience: string;
  privateJwk: JWK;
  lifetimeSeconds?: number;
}

/**
 * Signs a client assertion (RFC 7523) with the caller's own private key, as an agency system does
 * before calling the token endpoint. Used by `pnpm token`, the SDK and tests.
 */
export async function signAssertion(input: AssertionInput): Promise<string> {
  const alg = input.privateJwk.alg ?? 'ES256';
  const key = await importJWK(input.privateJwk, alg);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, kid: input.privateJwk.kid ?? '', typ: 'JWT' })
    .setIssuer(input.issuer)
    .setSubject(input.subject)
    .setAudience(input.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (input.lifetimeSeconds ?? 120))
    .setJti(randomUUID())
    .sign(key);
}
