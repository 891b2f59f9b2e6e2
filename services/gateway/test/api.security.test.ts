import { randomUUID } from 'node:crypto';
import { accessTokenAudience, generateSigningJwk, loadSigningKey } from '@samsyn/auth';
import { parties } from '@samsyn/db';
import { ProblemSchema } from '@samsyn/http';
import { createTestParty } from '@samsyn/testkit';
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

function whoami(authorization?: string) {
  return fetch(`${gateway.url}/v1/whoami`, { headers: authorization ? { authorization } : {} });
}

async function expectProblem(response: Response, status: number, type: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = ProblemSchema.parse(await response.json());
  expect(body.type).toBe(type);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
}

/** A token with the gateway's claims, signed by `key`, expiring at `exp`. */
async function craftToken(key: Awaited<ReturnType<typeof loadSigningKey>>, partyId: string, exp: number) {
  return new SignJWT({ party: partyId, scope: 'whoami', client_id: partyId })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(gateway.url)
    .setAudience(accessTokenAudience)
    .setSubject('o')
    .setIssuedAt(exp - 300)
    .setExpirationTime(exp)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

describe('/v1 refuses', () => {
  it('a request without a token', async () => {
    const response = await whoami();
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    await expectProblem(response, 401, 'urn:samsyn:problem:unauthenticated');
  });

  it('a header that is not a bearer token', async () => {
    await expectProblem(await whoami('Basic Zm9vOmJhcg=='), 401, 'urn:samsyn:problem:unauthenticated');
  });

  it('a token not signed by the gateway', async () => {
    const party = await createTestParty(gateway.database.db, 'region');
    const impostor = await loadSigningKey(await generateSigningJwk());
    const forged = await craftToken(
      { ...impostor, kid: gateway.signingKey.kid },
      party.id,
      Date.now() / 1000 + 300,
    );
    await expectProblem(await whoami(`Bearer ${forged}`), 401, 'urn:samsyn:problem:unauthenticated');
  });

  it('an expired token', async () => {
    const party = await createTestParty(gateway.database.db, 'region');
    const expired = await craftToken(gateway.signingKey, party.id, Math.floor(Date.now() / 1000) - 10);
    await expectProblem(await whoami(`Bearer ${expired}`), 401, 'urn:samsyn:problem:unauthenticated');
  });

  it('a token whose party has been deactivated, within seconds', async () => {
    const party = await createTestParty(gateway.database.db, 'kommun');
    const token = await gateway.tokenFor(party);
    expect((await whoami(`Bearer ${token}`)).status).toBe(200);
    await gateway.database.db.update(parties).set({ active: false }).where(eq(parties.id, party.id));
    let status = 200;
    for (let attempt = 0; attempt < 50 && status === 200; attempt++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await whoami(`Bearer ${token}`)).status;
    }
    expect(status).toBe(401);
  });

  it('a token without the scope the route needs, with 403', async () => {
    const party = await createTestParty(gateway.database.db, 'kommun');
    const token = await gateway.tokenFor(party, 'status:read');
    const response = await whoami(`Bearer ${token}`);
    expect(response.headers.get('www-authenticate')).toContain('insufficient_scope');
    await expectProblem(response, 403, 'urn:samsyn:problem:insufficient-scope');
  });
});
