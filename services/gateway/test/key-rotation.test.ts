import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSigningJwk, issueAccessToken, loadSigningKey, type SigningKey } from '@samsyn/auth';
import { createTestParty } from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness';

/**
 * A gateway key rotation as infra/README.md describes it: the new key signs, the previous one stays
 * in GATEWAY_JWKS_FILE until the tokens it signed have expired, and both are published.
 */
let gateway: TestGateway;
let previous: SigningKey;
let folder = '';

beforeAll(async () => {
  previous = await loadSigningKey(await generateSigningJwk());
  folder = await mkdtemp(path.join(tmpdir(), 'samsyn-rotation-'));
  const jwksFile = path.join(folder, 'gateway.jwks.json');
  await writeFile(jwksFile, JSON.stringify({ keys: [previous.publicJwk] }));
  gateway = await startTestGateway({ jwksFile });
});
afterAll(async () => {
  await gateway.close();
  await rm(folder, { recursive: true, force: true });
});

async function whoami(token: string) {
  return fetch(`${gateway.url}/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
}

describe('rotating the gateway key', () => {
  it('publishes the signing key first and the previous one beside it', async () => {
    const jwks = (await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as {
      keys: Array<{ kid: string; d?: string }>;
    };
    expect(jwks.keys.map((key) => key.kid)).toEqual([gateway.signingKey.kid, previous.kid]);
    expect(jwks.keys.every((key) => key.d === undefined)).toBe(true);
  });

  it('accepts tokens the previous key signed, and tokens from the new key', async () => {
    const party = await createTestParty(gateway.database.db, 'kommun');
    const identity = {
      kind: 'agency' as const,
      partyId: party.id,
      partyKind: party.kind,
      officerId: 'handlaggare-1',
      scopes: ['whoami' as const],
    };
    const old = await issueAccessToken(
      { issuer: gateway.url, signingKey: previous, lifetimeSeconds: 60 },
      identity,
    );
    expect((await whoami(old.token)).status).toBe(200);
    expect((await whoami(await gateway.tokenFor(party, 'whoami'))).status).toBe(200);
  });

  it('refuses a key that is in neither place', async () => {
    const party = await createTestParty(gateway.database.db, 'kommun');
    const stranger = await loadSigningKey(await generateSigningJwk());
    const forged = await issueAccessToken(
      { issuer: gateway.url, signingKey: stranger, lifetimeSeconds: 60 },
      { kind: 'agency', partyId: party.id, partyKind: party.kind, officerId: 'x', scopes: ['whoami'] },
    );
    expect((await whoami(forged.token)).status).toBe(401);
  });
});
