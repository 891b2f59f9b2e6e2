import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createMemoryWebhookIdStore } from '../src/webhook-store';
import { createWebhookVerifier, WebhookVerificationError } from '../src/webhooks';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

/** Signs a body as the dispatcher does (packages/queue/src/webhook.ts): same library, same headers. */
function signed(body: unknown, options: { id?: string; sentAt?: Date; key?: string } = {}) {
  const id = options.id ?? randomUUID();
  const sentAt = options.sentAt ?? new Date();
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    id,
    body: text,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': new Webhook(options.key ?? secret).sign(id, sentAt, text),
    },
  };
}

const invitation = {
  type: 'invitation.created',
  timestamp: '2026-11-02T08:00:00.000Z',
  data: { invitationId: randomUUID(), meetingId: randomUUID(), sipId: randomUUID() },
};

async function refusal(promise: Promise<unknown>): Promise<WebhookVerificationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return error as WebhookVerificationError;
}

describe('createWebhookVerifier', () => {
  it('returns a signed message as a typed new event, then as a duplicate', async () => {
    const verifier = createWebhookVerifier({ secret });
    const message = signed(invitation);
    const first = await verifier.verify(message.body, message.headers);
    expect(first).toEqual({ kind: 'new', id: message.id, event: invitation });
    if (first.kind === 'new' && first.event.type === 'invitation.created') {
      // Narrowed by type: the ids are typed strings.
      expect(first.event.data.invitationId).toBe(invitation.data.invitationId);
    }
    // A retry is signed afresh (a new timestamp) but keeps its id.
    const retry = signed(invitation, { id: message.id, sentAt: new Date(Date.now() + 1000) });
    expect(await verifier.verify(retry.body, retry.headers)).toEqual({ kind: 'duplicate', id: message.id });
  });

  it('accepts a Buffer body and fetch Headers, and header names in any case', async () => {
    const verifier = createWebhookVerifier({ secret });
    const message = signed(invitation);
    const result = await verifier.verify(Buffer.from(message.body), new Headers(message.headers));
    expect(result.kind).toBe('new');
    const other = signed(invitation);
    const upper = Object.fromEntries(Object.entries(other.headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect((await verifier.verify(other.body, upper)).kind).toBe('new');
  });

  it('refuses another secret, a changed body and a changed id as bad-signature', async () => {
    const verifier = createWebhookVerifier({ secret });
    const forged = signed(invitation, { key: `whsec_${randomBytes(32).toString('base64')}` });
    expect((await refusal(verifier.verify(forged.body, forged.headers))).code).toBe('bad-signature');
    const message = signed(invitation);
    const tampered = message.body.replace(invitation.data.sipId, randomUUID());
    expect((await refusal(verifier.verify(tampered, message.headers))).code).toBe('bad-signature');
    const moved = { ...message.headers, 'webhook-id': randomUUID() };
    expect((await refusal(verifier.verify(message.body, moved))).code).toBe('bad-signature');
  });

  it('refuses a message without the three headers', async () => {
    const verifier = createWebhookVerifier({ secret });
    const message = signed(invitation);
    const { 'webhook-signature': _, ...unsigned } = message.headers;
    expect((await refusal(verifier.verify(message.body, unsigned))).code).toBe('missing-headers');
  });

  it('refuses timestamps outside the tolerance, either way, and never records their ids', async () => {
    const now = Date.now();
    const verifier = createWebhookVerifier({ secret, toleranceSeconds: 60, now: () => now });
    const old = signed(invitation, { sentAt: new Date(now - 61_000) });
    expect((await refusal(verifier.verify(old.body, old.headers))).code).toBe('timestamp-out-of-tolerance');
    const early = signed(invitation, { sentAt: new Date(now + 61_000) });
    expect((await refusal(verifier.verify(early.body, early.headers))).code).toBe(
      'timestamp-out-of-tolerance',
    );
    const fresh = signed(invitation, { id: old.id, sentAt: new Date(now - 59_000) });
    expect((await verifier.verify(fresh.body, fresh.headers)).kind).toBe('new');
  });

  it('caps the tolerance at the library’s five minutes', async () => {
    const verifier = createWebhookVerifier({ secret, toleranceSeconds: 3600 });
    const old = signed(invitation, { sentAt: new Date(Date.now() - 301_000) });
    expect((await refusal(verifier.verify(old.body, old.headers))).code).toBe('timestamp-out-of-tolerance');
  });

  it('reports a verified message of an unknown type, or missing its ids, as unrecognised', async () => {
    const verifier = createWebhookVerifier({ secret });
    const future = signed({ type: 'sip.renamed', timestamp: invitation.timestamp, data: { sipId: 'x' } });
    expect(await verifier.verify(future.body, future.headers)).toMatchObject({ kind: 'unrecognised' });
    const inherited = signed({ type: 'toString', timestamp: invitation.timestamp, data: {} });
    expect((await verifier.verify(inherited.body, inherited.headers)).kind).toBe('unrecognised');
    const thin = signed({ ...invitation, data: { sipId: 'x' } });
    expect((await verifier.verify(thin.body, thin.headers)).kind).toBe('unrecognised');
  });

  it('lets a released id through again, for a retry after failed processing', async () => {
    const verifier = createWebhookVerifier({ secret });
    const message = signed(invitation);
    expect((await verifier.verify(message.body, message.headers)).kind).toBe('new');
    await verifier.release(message.id);
    expect((await verifier.verify(message.body, message.headers)).kind).toBe('new');
  });

  it('de-duplicates through a shared store, as receivers behind a load balancer do', async () => {
    const seen = createMemoryWebhookIdStore();
    const a = createWebhookVerifier({ secret, seen });
    const b = createWebhookVerifier({ secret, seen });
    const message = signed(invitation);
    const results = await Promise.all([
      a.verify(message.body, message.headers),
      b.verify(message.body, message.headers),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(['duplicate', 'new']);
  });
});

describe('createMemoryWebhookIdStore', () => {
  it('forgets an id after its TTL', () => {
    let now = 0;
    const store = createMemoryWebhookIdStore({ now: () => now });
    expect(store.claim('a', 10)).toBe(true);
    now = 9_999;
    expect(store.claim('a', 10)).toBe(false);
    now = 10_000;
    expect(store.claim('a', 10)).toBe(true);
  });

  it('holds at most maxEntries, dropping the oldest first', () => {
    const store = createMemoryWebhookIdStore({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c', 'd']) expect(store.claim(id, 60)).toBe(true);
    // 'a' was evicted to make room for 'd'; the others are still held.
    expect(store.claim('b', 60)).toBe(false);
    expect(store.claim('d', 60)).toBe(false);
    expect(store.claim('a', 60)).toBe(true);
    expect(store.claim('c', 60)).toBe(false);
  });
});
