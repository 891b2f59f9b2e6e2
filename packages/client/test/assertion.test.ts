import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signAssertion } from '../src/assertion';

describe('signAssertion', () => {
  it('produces an RFC 7523 assertion the token endpoint accepts: iss, sub, aud, short exp, unique jti, kid', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'ES256' };
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] });
    const input = {
      issuer: 'kommun:1281',
      subject: 'o-7',
      audience: 'https://samsyn.test/oauth2/token',
      privateJwk,
    };
    const first = await signAssertion(input);
    const second = await signAssertion(input);
    const { payload, protectedHeader } = await jwtVerify(first, jwks, {
      issuer: 'kommun:1281',
      audience: 'https://samsyn.test/oauth2/token',
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: 'k1' });
    expect(payload.sub).toBe('o-7');
    expect(Number(payload.exp) - Number(payload.iat)).toBeLessThanOrEqual(300);
    const { payload: again } = await jwtVerify(second, jwks);
    expect(again.jti).not.toBe(payload.jti);
  });
});
