import { describe, expect, it } from 'vitest';
import { AccessTokenVerifier, issueAccessToken } from '../src/access-token';
import type { AgencyCaller } from '../src/caller';
import { AuthError } from '../src/errors';
import { generateSigningJwk, loadSigningKey } from '../src/keys';

const issuer = 'https://samsyn.test';

async function setup() {
  const signingKey = await loadSigningKey(await generateSigningJwk());
  const revoked = new Set<string>();
  const verifier = new AccessTokenVerifier({
    issuer,
    jwks: { keys: [signingKey.publicJwk] },
    isRevoked: (caller) => caller.kind === 'agency' && revoked.has(caller.partyId),
  });
  const issue = (lifetimeSeconds = 300) =>
    issueAccessToken(
      { issuer, signingKey, lifetimeSeconds },
      { kind: 'agency', partyId: 'kommun:1281', partyKind: 'kommun', officerId: 'o-1', scopes: ['whoami'] },
    );
  return { signingKey, revoked, verifier, issue };
}

describe('AccessTokenVerifier', () => {
  it('returns the caller the token was issued for', async () => {
    const { verifier, issue } = await setup();
    const { token } = await issue();
    const caller = (await verifier.verify(token)) as AgencyCaller;
    expect(caller).toMatchObject({
      kind: 'agency',
      partyId: 'kommun:1281',
      officerId: 'o-1',
      scopes: ['whoami'],
    });
  });

  it('still refuses a cached token once its party is revoked', async () => {
    const { verifier, issue, revoked } = await setup();
    const { token } = await issue();
    await verifier.verify(token);
    revoked.add('kommun:1281');
    await expect(verifier.verify(token)).rejects.toMatchObject({ failure: 'inactive_party' });
  });

  it('refuses a token signed by another key, even with the right kid', async () => {
    const { verifier, signingKey } = await setup();
    const other = await loadSigningKey(await generateSigningJwk());
    const { token } = await issueAccessToken(
      { issuer, signingKey: { ...other, kid: signingKey.kid }, lifetimeSeconds: 60 },
      { kind: 'agency', partyId: 'fk', partyKind: 'fk', officerId: 'x', scopes: ['whoami'] },
    );
    const error = await verifier.verify(token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).failure).toBe('bad_signature');
  });

  it('refuses a token from another issuer', async () => {
    const { signingKey, verifier } = await setup();
    const { token } = await issueAccessToken(
      { issuer: 'https://elsewhere.test', signingKey, lifetimeSeconds: 60 },
      { kind: 'agency', partyId: 'fk', partyKind: 'fk', officerId: 'x', scopes: ['whoami'] },
    );
    await expect(verifier.verify(token)).rejects.toMatchObject({ failure: 'wrong_issuer' });
  });
});
