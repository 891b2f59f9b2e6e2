import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import { accessTokenAlgorithm } from './algorithms';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Members that make a JWK private; a registry or a published JWKS must never carry them. */
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const;

export function toPublicJwk(jwk: JWK): JWK {
  const copy: Record<string, unknown> = { ...jwk };
  for (const member of privateMembers) delete copy[member];
  return copy as JWK;
}

export function hasPrivateMembers(jwk: Record<string, unknown>): boolean {
  return privateMembers.some((member) => member in jwk);
}

/** A new key pair as JWKs, `kid` set to the RFC 7638 thumbprint so it is stable and collision-free. */
export async function generateSigningJwk(alg: string = accessTokenAlgorithm): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg, use: 'sig' };
}

export async function loadSigningKey(privateJwk: JWK): Promise<SigningKey> {
  const alg = privateJwk.alg ?? accessTokenAlgorithm;
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(privateJwk));
  const privateKey = await importJWK(privateJwk, alg);
  if (!(privateKey instanceof Object) || privateKey instanceof Uint8Array) {
    throw new Error('the signing key must be an asymmetric private key');
  }
  return { kid, alg, privateKey, publicJwk: { ...toPublicJwk(privateJwk), kid, alg, use: 'sig' } };
}
