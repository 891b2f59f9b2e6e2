import { parties } from '@samsyn/db';
import { verifyWebhook, webhookBody } from '@samsyn/queue';
import { createTestParty } from '@samsyn/testkit';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness';

let strict: TestGateway;
beforeAll(async () => {
  strict = await startTestGateway({ webhookPolicy: { allowHttp: false, allowPrivateNetworks: false } });
});
afterAll(() => strict.close());

async function register(gateway: TestGateway, token: string, url: unknown) {
  const response = await fetch(`${gateway.url}/v1/webhook-registrations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('registering a webhook in production settings', () => {
  it('stores an https URL with a fresh secret, returned once and replaced on the next registration', async () => {
    const party = await createTestParty(strict.database.db, 'region');
    const token = await strict.tokenFor(party, 'webhook:write');
    const first = await register(strict, token, 'https://integration.example.se/samsyn/webhooks');
    expect(first.status).toBe(201);
    expect(first.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const second = await register(strict, token, 'https://integration.example.se/samsyn/v2');
    expect(second.body.secret).not.toBe(first.body.secret);
    const [row] = await strict.database.db.select().from(parties).where(eq(parties.id, party.id));
    expect(row).toMatchObject({
      webhookUrl: 'https://integration.example.se/samsyn/v2',
      webhookSecret: second.body.secret,
    });
    // The secret is a Standard Webhooks secret: a message signed with it verifies.
    const message = {
      id: 'msg_1',
      type: 'invitation.created',
      timestamp: new Date(),
      payload: { invitationId: 'x' },
    };
    const body = webhookBody(message);
    const signature = new Webhook(String(second.body.secret)).sign(message.id, new Date(), body);
    const headers = {
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': signature,
    };
    expect(verifyWebhook(String(second.body.secret), body, headers).type).toBe('invitation.created');
  });

  const refused: Array<[string, unknown]> = [
    ['plain http', 'http://integration.example.se/hooks'],
    ['a loopback address', 'https://127.0.0.1/hooks'],
    ['a private address', 'https://10.0.0.5/hooks'],
    ['a link-local address (cloud metadata)', 'https://169.254.169.254/latest/meta-data'],
    ['localhost', 'https://localhost/hooks'],
    ['credentials in the URL', 'https://user:pw@integration.example.se/hooks'],
    ['a fragment', 'https://integration.example.se/hooks#x'],
    ['not a URL', 'integration.example.se/hooks'],
    ['another scheme', 'ftp://integration.example.se/hooks'],
    ['a number', 42],
  ];
  for (const [name, url] of refused) {
    it(`refuses ${name}, storing nothing`, async () => {
      const party = await createTestParty(strict.database.db, 'kommun');
      const response = await register(strict, await strict.tokenFor(party, 'webhook:write'), url);
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({
        type: 'urn:samsyn:problem:validation-failed',
        errors: [expect.objectContaining({ pointer: '/url' })],
      });
      const [row] = await strict.database.db.select().from(parties).where(eq(parties.id, party.id));
      expect(row?.webhookUrl).toBeNull();
    });
  }

  it('needs the webhook:write scope', async () => {
    const party = await createTestParty(strict.database.db, 'kommun');
    const response = await register(
      strict,
      await strict.tokenFor(party, 'whoami'),
      'https://example.se/hooks',
    );
    expect(response.status).toBe(403);
  });
});
