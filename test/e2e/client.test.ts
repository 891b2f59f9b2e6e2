import { createTokenProvider, TokenRequestError } from '@samsyn/client';
import { createTestParty } from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../services/gateway/test/harness';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

describe('the SDK token provider against the real gateway', () => {
  it('gets a token once and reuses it, and the token works', async () => {
    const party = await createTestParty(gateway.database.db, 'kommun');
    const provider = createTokenProvider({
      baseUrl: gateway.url,
      partyId: party.id,
      officerId: 'handlaggare-1',
      privateJwk: party.privateJwk,
      scope: 'whoami',
    });
    const [a, b] = await Promise.all([provider.getToken(), provider.getToken()]);
    expect(a).toBe(b);
    expect(await provider.getToken()).toBe(a);
    const response = await fetch(`${gateway.url}/v1/whoami`, { headers: { authorization: `Bearer ${a}` } });
    expect(await response.json()).toMatchObject({ party: { id: party.id }, officer: 'handlaggare-1' });
  });

  it('reports the OAuth error when the gateway refuses', async () => {
    const party = await createTestParty(gateway.database.db, 'forbund');
    const provider = createTokenProvider({
      baseUrl: gateway.url,
      partyId: party.id,
      officerId: 'x',
      privateJwk: party.privateJwk,
      scope: 'status:read',
    });
    const error = await provider.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 400, error: 'invalid_scope' });
  });
});
