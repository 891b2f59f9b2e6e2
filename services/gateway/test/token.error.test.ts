import { randomUUID } from 'node:crypto';
import { createTestParty, type TestParty } from '@samsyn/testkit';
import { base64url, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtBearer, startTestGateway, type TestGateway } from './harness';

let gateway: TestGateway;
let party: TestParty;
let otherParty: TestParty;
let inactiveParty: TestParty;

beforeAll(async () => {
  gateway = await startTestGateway();
  party = await createTestParty(gateway.database.db, 'kommun');
  otherParty = await createTestParty(gateway.database.db, 'region');
  inactiveParty = await createTestParty(gateway.database.db, 'kommun', { active: false });
});
afterAll(() => gateway.close());

const now = () => Math.floor(Date.now() / 1000);

interface AssertionShape {
  claims?: Record<string, unknown>;
  omit?: string[];
  header?: Record<string, unknown>;
  signer?: TestParty;
}

/** A well-formed assertion for `party`, with the given claims changed or left out. */
async function assertion(shape: AssertionShape = {}): Promise<string> {
  const signer = shape.signer ?? party;
  const claims: Record<string, unknown> = {
    iss: party.id,
    sub: 'officer-1',
    aud: gateway.tokenEndpoint,
    iat: now(),
    exp: now() + 120,
    jti: randomUUID(),
    ...shape.claims,
  };
  for (const name of shape.omit ?? []) delete claims[name];
  const key = await importJWK(signer.privateJwk, 'ES256');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: signer.privateJwk.kid, ...shape.header })
    .sign(key);
}

async function exchange(token: string, scope = 'whoami') {
  const requestId = randomUUID();
  const response = await gateway.requestToken(
    { grant_type: jwtBearer, assertion: token, scope },
    { 'x-request-id': requestId },
  );
  return { response, requestId };
}

/** Refused in RFC 6749 §5.2 form, and the log line for that request names the reason. */
async function expectRefused(
  { response, requestId }: { response: Response; requestId: string },
  error: string,
  reason: string,
) {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual({ error, error_description: expect.any(String) });
  const logged = gateway.logs
    .entries()
    .find((e) => e.requestId === requestId && e.msg === 'token request refused');
  expect(logged?.reason).toBe(reason);
}

describe('POST /oauth2/token refuses', () => {
  it('a malformed assertion', async () => {
    await expectRefused(await exchange('not.a.jwt'), 'invalid_grant', 'malformed');
  });

  it('alg: none', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', kid: party.privateJwk.kid }));
    const payload = base64url.encode(
      JSON.stringify({
        iss: party.id,
        sub: 'x',
        aud: gateway.tokenEndpoint,
        exp: now() + 60,
        jti: randomUUID(),
      }),
    );
    await expectRefused(await exchange(`${header}.${payload}.`), 'invalid_grant', 'alg_not_allowed');
  });

  it('HS256 signed with the party’s public key (algorithm confusion)', async () => {
    const { d: _private, ...publicJwk } = party.privateJwk as JWK & { d?: string };
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const forged = await new SignJWT({ sub: 'x', jti: randomUUID() })
      .setProtectedHeader({ alg: 'HS256', kid: party.privateJwk.kid })
      .setIssuer(party.id)
      .setAudience(gateway.tokenEndpoint)
      .setExpirationTime(now() + 60)
      .sign(secret);
    await expectRefused(await exchange(forged), 'invalid_grant', 'alg_not_allowed');
  });

  it('an expired assertion', async () => {
    const token = await assertion({ claims: { iat: now() - 400, exp: now() - 200 } });
    await expectRefused(await exchange(token), 'invalid_grant', 'expired');
  });

  it('an assertion that is not yet valid', async () => {
    const token = await assertion({ claims: { iat: now() + 200, nbf: now() + 200, exp: now() + 290 } });
    await expectRefused(await exchange(token), 'invalid_grant', 'not_yet_valid');
  });

  it('a lifetime over 300 s', async () => {
    const token = await assertion({ claims: { exp: now() + 301 + 60 } });
    await expectRefused(await exchange(token), 'invalid_grant', 'lifetime_too_long');
  });

  it('the wrong audience', async () => {
    const token = await assertion({ claims: { aud: 'https://elsewhere.example/oauth2/token' } });
    await expectRefused(await exchange(token), 'invalid_grant', 'wrong_audience');
  });

  it('an unknown issuer', async () => {
    const token = await assertion({ claims: { iss: 'kommun:0000' } });
    await expectRefused(await exchange(token), 'invalid_grant', 'unknown_issuer');
  });

  it('an inactive party', async () => {
    const token = await assertion({ claims: { iss: inactiveParty.id }, signer: inactiveParty });
    await expectRefused(await exchange(token), 'invalid_grant', 'inactive_party');
  });

  it('an unknown kid', async () => {
    const token = await assertion({ header: { kid: 'no-such-key' } });
    await expectRefused(await exchange(token), 'invalid_grant', 'unknown_kid');
  });

  it('an assertion signed with another party’s key', async () => {
    const withOurKid = await assertion({ signer: otherParty, header: { kid: party.privateJwk.kid } });
    await expectRefused(await exchange(withOurKid), 'invalid_grant', 'bad_signature');
    const withTheirKid = await assertion({ signer: otherParty });
    await expectRefused(await exchange(withTheirKid), 'invalid_grant', 'unknown_kid');
  });

  it('a replayed jti', async () => {
    const token = await assertion();
    expect((await exchange(token)).response.status).toBe(200);
    await expectRefused(await exchange(token), 'invalid_grant', 'replayed_jti');
  });

  it('a missing sub', async () => {
    await expectRefused(await exchange(await assertion({ omit: ['sub'] })), 'invalid_grant', 'missing_claim');
  });

  it('a missing exp or jti', async () => {
    await expectRefused(await exchange(await assertion({ omit: ['exp'] })), 'invalid_grant', 'missing_claim');
    await expectRefused(await exchange(await assertion({ omit: ['jti'] })), 'invalid_grant', 'missing_claim');
  });

  it('a scope the party kind may not have, or none', async () => {
    const forbund = await createTestParty(gateway.database.db, 'forbund');
    const token = await assertion({ claims: { iss: forbund.id }, signer: forbund });
    await expectRefused(await exchange(token, 'status:read'), 'invalid_scope', 'invalid_scope');
    await expectRefused(await exchange(await assertion(), ''), 'invalid_scope', 'invalid_scope');
    await expectRefused(await exchange(await assertion(), 'no-such-scope'), 'invalid_scope', 'invalid_scope');
  });

  it('another grant type, and a request without an assertion', async () => {
    const requestId = randomUUID();
    const wrongGrant = await gateway.requestToken(
      { grant_type: 'client_credentials', assertion: await assertion() },
      { 'x-request-id': requestId },
    );
    await expectRefused(
      { response: wrongGrant, requestId },
      'unsupported_grant_type',
      'unsupported_grant_type',
    );
    const missingId = randomUUID();
    const missing = await gateway.requestToken({ grant_type: jwtBearer }, { 'x-request-id': missingId });
    await expectRefused({ response: missing, requestId: missingId }, 'invalid_request', 'invalid_request');
  });

  it('a body that is not form-encoded, in the OAuth format', async () => {
    const requestId = randomUUID();
    const response = await fetch(gateway.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ grant_type: jwtBearer, assertion: await assertion(), scope: 'whoami' }),
    });
    await expectRefused({ response, requestId }, 'invalid_request', 'invalid_request');
  });

  it('never logs the assertion itself', async () => {
    const token = await assertion({ claims: { aud: 'wrong' } });
    await exchange(token);
    expect(gateway.logs.lines.some((line) => line.includes(token))).toBe(false);
  });
});
