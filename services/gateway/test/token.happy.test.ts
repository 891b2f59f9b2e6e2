import { randomUUID } from 'node:crypto';
import { generateSigningJwk, toPublicJwk } from '@samsyn/auth';
import { signAssertion } from '@samsyn/client';
import { createTestCitizenIssuer, createTestParty, startServer } from '@samsyn/testkit';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhoamiSchema } from '../src/routes/whoami';
import { jwtBearer, startTestGateway, type TestGateway } from './harness';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

async function whoami(token: string, scheme = 'Bearer', headers: Record<string, string> = {}) {
  return fetch(`${gateway.url}/v1/whoami`, { headers: { authorization: `${scheme} ${token}`, ...headers } });
}

describe('getting and using a token', () => {
  it('exchanges an assertion for a short-lived token naming party, officer and scopes', async () => {
    const party = await createTestParty(gateway.database.db, 'fk');
    const assertion = await signAssertion({
      issuer: party.id,
      subject: 't1',
      audience: gateway.tokenEndpoint,
      privateJwk: party.privateJwk,
    });
    const response = await gateway.requestToken({
      grant_type: jwtBearer,
      assertion,
      scope: 'whoami status:read',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as {
      access_token: string;
      token_type: string;
      expires_in: number;
      scope: string;
    };
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'whoami status:read' });
    expect(body.expires_in).toBeGreaterThan(0);
    expect(body.expires_in).toBeLessThanOrEqual(600);

    const jwks = (await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as { keys: [] };
    const { payload, protectedHeader } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
      issuer: gateway.url,
      audience: 'samsyn-api',
    });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ sub: 't1', party: party.id, scope: 'whoami status:read' });
    expect(Number(payload.exp) - Number(payload.iat)).toBeLessThanOrEqual(600);
  });

  it('serves whoami for the same token on repeated calls', async () => {
    const party = await createTestParty(gateway.database.db, 'region');
    const token = await gateway.tokenFor(party, 'whoami', 't1');
    for (let i = 0; i < 3; i++) {
      const response = await whoami(token);
      expect(response.status).toBe(200);
      const body = WhoamiSchema.parse(await response.json());
      expect(body).toMatchObject({ kind: 'agency', party: { id: party.id, kind: 'region' }, officer: 't1' });
    }
  });

  it('publishes RFC 8414 metadata naming the token endpoint the assertion must be addressed to', async () => {
    const metadata = (await (
      await fetch(`${gateway.url}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(metadata.token_endpoint).toBe(gateway.tokenEndpoint);
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).not.toContain('HS256');
  });

  it('exchanges a citizen e-ID token without putting the personnummer in the access token', async () => {
    const issuer = await createTestCitizenIssuer(gateway.database.db);
    const assertion = await signAssertion({
      issuer: issuer.id,
      subject: '19811218-9876',
      audience: gateway.tokenEndpoint,
      privateJwk: issuer.privateJwk,
    });
    const response = await gateway.requestToken({
      grant_type: jwtBearer,
      assertion,
      scope: 'whoami self:read',
    });
    expect(response.status).toBe(200);
    const { access_token } = (await response.json()) as { access_token: string };
    const claims = JSON.parse(Buffer.from(access_token.split('.')[1] ?? '', 'base64url').toString());
    expect(JSON.stringify(claims)).not.toMatch(/8112189876/);
    expect(claims.sub).toMatch(/^person:[A-Za-z0-9_-]{43}$/);
    const me = WhoamiSchema.parse(await (await whoami(access_token)).json());
    expect(me).toMatchObject({ kind: 'citizen', issuer: issuer.id });
  });

  it('verifies against keys a party publishes at its own jwks_uri', async () => {
    const key = await generateSigningJwk();
    const jwksHost = await startServer({
      fetch: () => Response.json({ keys: [toPublicJwk(key)] }),
    });
    try {
      const party = await createTestParty(gateway.database.db, 'kommun', {
        jwks: null,
        jwksUri: `${jwksHost.url}/jwks.json`,
      });
      const token = await gateway.tokenFor({ ...party, privateJwk: key });
      expect((await whoami(token)).status).toBe(200);
      await expect(gateway.tokenFor(party)).rejects.toThrow(/400/);
    } finally {
      await jwksHost.close();
    }
  });

  it('refuses a citizen token whose subject is not a valid personnummer', async () => {
    const issuer = await createTestCitizenIssuer(gateway.database.db);
    const assertion = await signAssertion({
      issuer: issuer.id,
      subject: '19811218-9875',
      audience: gateway.tokenEndpoint,
      privateJwk: issuer.privateJwk,
    });
    const response = await gateway.requestToken({ grant_type: jwtBearer, assertion, scope: 'whoami' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('sender-constrained tokens (DPoP, RFC 9449) for parties that require them', () => {
  async function dpopKey() {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    return { privateKey, jwk, thumbprint: await calculateJwkThumbprint(jwk) };
  }

  async function proof(
    key: Awaited<ReturnType<typeof dpopKey>>,
    htm: string,
    htu: string,
    accessToken?: string,
  ) {
    const claims: Record<string, unknown> = { htm, htu, jti: randomUUID() };
    if (accessToken) {
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken));
      claims.ath = Buffer.from(digest).toString('base64url');
    }
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
      .setIssuedAt()
      .sign(key.privateKey);
  }

  it('binds the token to the proven key and demands a fresh proof on every call', async () => {
    const party = await createTestParty(gateway.database.db, 'af', { dpopRequired: true });
    const key = await dpopKey();
    const assertion = () =>
      signAssertion({
        issuer: party.id,
        subject: 'o',
        audience: gateway.tokenEndpoint,
        privateJwk: party.privateJwk,
      });

    const withoutProof = await gateway.requestToken({
      grant_type: jwtBearer,
      assertion: await assertion(),
      scope: 'whoami',
    });
    expect(withoutProof.status).toBe(400);

    const response = await gateway.requestToken(
      { grant_type: jwtBearer, assertion: await assertion(), scope: 'whoami' },
      { dpop: await proof(key, 'POST', gateway.tokenEndpoint) },
    );
    expect(response.status).toBe(200);
    const { access_token, token_type } = (await response.json()) as {
      access_token: string;
      token_type: string;
    };
    expect(token_type).toBe('DPoP');

    const url = `${gateway.url}/v1/whoami`;
    expect(
      (await whoami(access_token, 'DPoP', { dpop: await proof(key, 'GET', url, access_token) })).status,
    ).toBe(200);
    expect((await whoami(access_token, 'DPoP')).status).toBe(401);
    expect((await whoami(access_token, 'Bearer')).status).toBe(401);
    const otherKey = await dpopKey();
    expect(
      (await whoami(access_token, 'DPoP', { dpop: await proof(otherKey, 'GET', url, access_token) })).status,
    ).toBe(401);
    const replayed = await proof(key, 'GET', url, access_token);
    expect((await whoami(access_token, 'DPoP', { dpop: replayed })).status).toBe(200);
    expect((await whoami(access_token, 'DPoP', { dpop: replayed })).status).toBe(401);
  });
});
