import { randomUUID } from 'node:crypto';
import {
  createSamsynClient,
  createTokenProvider,
  ProblemError,
  problemType,
  TokenRequestError,
  unwrap,
} from '@samsyn/client';
import { createTestParty, testPersonnummer } from '@samsyn/testkit';
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

describe('the typed client against the real gateway', () => {
  it('sends the token and X-Request-Id, and gets typed data', async () => {
    const party = await createTestParty(gateway.database.db, 'region');
    const tokens = createTokenProvider({
      baseUrl: gateway.url,
      partyId: party.id,
      officerId: 'lakare-1',
      privateJwk: party.privateJwk,
      scope: 'whoami',
    });
    const requestId = randomUUID();
    const samsyn = createSamsynClient({ baseUrl: gateway.url, tokens, requestId: () => requestId });
    const { data, response } = await samsyn.GET('/v1/whoami');
    expect(data).toMatchObject({ kind: 'agency', party: { id: party.id }, officer: 'lakare-1' });
    expect(response.headers.get('x-request-id')).toBe(requestId);
  });

  it('turns refusals into ProblemErrors that carry the code and the caller’s request id', async () => {
    const party = await createTestParty(gateway.database.db, 'kommun');
    const tokens = createTokenProvider({
      baseUrl: gateway.url,
      partyId: party.id,
      officerId: 'o',
      privateJwk: party.privateJwk,
      scope: 'whoami status:read',
    });
    const samsyn = createSamsynClient({ baseUrl: gateway.url, tokens });
    const requestId = randomUUID();
    // The token lacks status:write.
    const refused = await unwrap(
      samsyn.POST('/v1/status-events', {
        params: { header: { 'idempotency-key': randomUUID() } },
        headers: { 'x-request-id': requestId },
        body: {
          personnummer: testPersonnummer(),
          category: 'incapacity',
          kind: 'suspected_by_social_worker',
          effectiveDate: '2026-11-03',
          data: { notedOn: '2026-11-03' },
        },
      }),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProblemError);
    expect(refused).toMatchObject({ code: 'insufficient-scope', status: 403, requestId });
    // Without unwrap, `error` is the problem document itself.
    const { error } = await samsyn.POST('/v1/status-queries', {
      body: { personnummer: '19850412-6123', purpose: 'sip' },
    });
    expect(error?.type).toBe(problemType('invalid-personnummer'));
  });

  it('gets its tokens and makes its calls through the fetch it is given', async () => {
    const party = await createTestParty(gateway.database.db, 'af');
    const seen: string[] = [];
    const tokens = createTokenProvider({
      baseUrl: gateway.url,
      partyId: party.id,
      officerId: 'o',
      privateJwk: party.privateJwk,
      scope: 'whoami',
      fetch: (input, init) => {
        seen.push(new URL(String(input)).pathname);
        return fetch(input, init);
      },
    });
    const samsyn = createSamsynClient({
      baseUrl: gateway.url,
      tokens,
      fetch: (request) => {
        seen.push(new URL(request.url).pathname);
        return fetch(request);
      },
    });
    expect((await samsyn.GET('/v1/whoami')).data).toMatchObject({ party: { id: party.id } });
    expect(seen).toEqual(['/.well-known/oauth-authorization-server', '/oauth2/token', '/v1/whoami']);
  });
});
