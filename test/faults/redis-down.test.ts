import { signAssertion } from '@samsyn/client';
import {
  createTestConsent,
  createTestParty,
  startOwnRedis,
  type TestParty,
  testPersonnummer,
} from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtBearer } from '../../services/gateway/test/harness';
import { allScopes, callApi, startTestGateway, type TestGateway } from '../e2e/sip-harness';

/**
 * Redis down: reads keep working, SIP calls still succeed (the outbox holds the invitations), and
 * replay protection fails closed — no new token while single use cannot be checked.
 */
let redis: Awaited<ReturnType<typeof startOwnRedis>>;
let gateway: TestGateway;
let kommun: TestParty;
let region: TestParty;
let kommunToken = '';
const personnummer = testPersonnummer();
let consentId = '';

beforeAll(async () => {
  redis = await startOwnRedis();
  gateway = await startTestGateway({ redisUrl: redis.url });
  kommun = await createTestParty(gateway.database.db, 'kommun');
  region = await createTestParty(gateway.database.db, 'region');
  kommunToken = await gateway.tokenFor(kommun, allScopes);
  consentId = (
    await createTestConsent(gateway.database.db, gateway.persons, {
      personnummer,
      parties: [kommun.id, region.id],
      categories: ['care'],
      purposes: ['sip'],
    })
  ).id;
  await redis.stop();
});
afterAll(async () => {
  await gateway.close();
  await redis.stop();
});

describe('with Redis stopped', () => {
  it('serves reads', async () => {
    const read = await callApi(gateway, kommunToken, 'POST', '/v1/status-queries', {
      personnummer,
      purpose: 'sip',
    });
    expect(read.status).toBe(200);
    expect(await callApi(gateway, kommunToken, 'GET', `/v1/consents/${consentId}`)).toMatchObject({
      status: 200,
    });
  });

  it('takes SIP calls: the invitations wait in the outbox', async () => {
    const opened = await callApi(gateway, kommunToken, 'POST', '/v1/sips', {
      personnummer,
      consentId,
      participants: [kommun.id, region.id],
      principal: kommun.id,
      coordinator: { party: kommun.id, name: 'Samordnare' },
      needs: ['Samordning'],
    });
    expect(opened.status).toBe(201);
    const called = await callApi(gateway, kommunToken, 'POST', `/v1/sips/${opened.body.id}/meetings`, {
      startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      durationMinutes: 60,
      place: 'Stadshuset',
      agenda: ['Nuläge'],
      participants: [{ party: region.id, role: 'rehabkoordinator', displayName: 'Omar' }],
    });
    expect(called.status).toBe(201);
    const waiting = await gateway.database
      .sql`select count(*)::int as n from deliveries where sip_id = ${String(opened.body.id)} and state = 'pending'`;
    expect(waiting[0]?.n).toBeGreaterThan(0);
  });

  it('refuses new tokens: replay protection fails closed', async () => {
    const assertion = await signAssertion({
      issuer: region.id,
      subject: 'officer',
      audience: gateway.tokenEndpoint,
      privateJwk: region.privateJwk,
    });
    const response = await gateway.requestToken({ grant_type: jwtBearer, assertion, scope: 'whoami' });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });

  it('issues tokens again once Redis is back', async () => {
    await redis.start();
    await expect
      .poll(
        async () => {
          const assertion = await signAssertion({
            issuer: region.id,
            subject: 'officer',
            audience: gateway.tokenEndpoint,
            privateJwk: region.privateJwk,
          });
          return (await gateway.requestToken({ grant_type: jwtBearer, assertion, scope: 'whoami' })).status;
        },
        { timeout: 15_000, interval: 300 },
      )
      .toBe(200);
  });
});
