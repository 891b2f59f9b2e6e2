/**
 * Asymmetric algorithms only: a symmetric `alg` would let anyone holding a party's *public* key forge
 * its assertions (the classic algorithm-confusion attack). jose itself refuses RSA keys under 2048 bits.
 */
export const assertionAlgorithms = ['ES256', 'EdDSA', 'PS256', 'RS256'] as const;
export type AssertionAlgorithm = (typeof assertionAlgorithms)[number];

export function isAllowedAlgorithm(alg: unknown): alg is AssertionAlgorithm {
  return typeof alg === 'string' && (assertionAlgorithms as readonly string[]).includes(alg);
}

/** The gateway signs its own access tokens with one algorithm, which verifiers pin. */
export const accessTokenAlgorithm = 'ES256';
