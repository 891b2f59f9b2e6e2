import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkWebhookUrl,
  generateWebhookSecret,
  sendWebhook,
  verifyWebhook,
  type WebhookMessage,
  type WebhookPolicy,
  webhookBody,
} from '../src/webhook';

// Local servers live on 127.0.0.1 and speak plain http, so tests relax both rules unless they test them.
const localPolicy: WebhookPolicy = {
  allowHttp: true,
  allowPrivateNetworks: true,
  timeoutMs: 2_000,
  maxResponseBytes: 64 * 1024,
};

interface Received {
  method: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

interface LocalServer {
  url: string;
  received: Received[];
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    // A server that never answers keeps its socket open; close would wait for it forever.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** Starts a real HTTP server that records every request (after reading its body) and then answers. */
async function startServer(answer: RequestListener): Promise<LocalServer> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      answer(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/samsyn`, received };
}

function answerWith(status: number, headers: Record<string, string> = {}): RequestListener {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end('some body the sender must not echo');
  };
}

function stringHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') out[name] = value;
  return out;
}

function message(): WebhookMessage {
  return {
    id: `msg_${randomUUID()}`,
    type: 'sip.invitation',
    timestamp: new Date('2025-03-01T09:30:00.000Z'),
    payload: { sipId: randomUUID(), meetingAt: '2025-03-10T13:00:00.000Z' },
  };
}

describe('sendWebhook', () => {
  it('delivers a signed POST that verifies with the same secret only', async () => {
    const server = await startServer(answerWith(204));
    const secret = generateWebhookSecret();
    const msg = message();

    const outcome = await sendWebhook(server.url, secret, msg, localPolicy);

    expect(outcome).toMatchObject({ ok: true, status: 204 });
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    if (request === undefined) throw new Error('no request recorded');
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('Samsyn-Webhooks/1');
    expect(request.headers['webhook-id']).toBe(msg.id);
    expect(request.headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(request.body).toBe(webhookBody(msg));

    const headers = stringHeaders(request.headers);
    expect(verifyWebhook(secret, request.body, headers)).toEqual({
      type: 'sip.invitation',
      timestamp: '2025-03-01T09:30:00.000Z',
      data: msg.payload,
    });
    expect(() => verifyWebhook(generateWebhookSecret(), request.body, headers)).toThrow();
    // A body altered in transit no longer matches the signature.
    expect(() =>
      verifyWebhook(secret, request.body.replace('sip.invitation', 'sip.cancelled'), headers),
    ).toThrow();
  });

  it('signs with the time of the attempt, so a retry of an old event still verifies', async () => {
    const server = await startServer(answerWith(200));
    const secret = generateWebhookSecret();
    const old = { ...message(), timestamp: new Date('2020-01-01T00:00:00.000Z') };

    expect(await sendWebhook(server.url, secret, old, localPolicy)).toMatchObject({ ok: true });
    const [request] = server.received;
    if (request === undefined) throw new Error('no request recorded');
    expect(verifyWebhook(secret, request.body, stringHeaders(request.headers)).timestamp).toBe(
      '2020-01-01T00:00:00.000Z',
    );
  });

  it('sends the body as { type, timestamp, data }', () => {
    const msg = message();
    expect(JSON.parse(webhookBody(msg))).toEqual({
      type: msg.type,
      timestamp: msg.timestamp.toISOString(),
      data: msg.payload,
    });
  });

  it('retries a 500 and keeps the response body out of the error', async () => {
    const server = await startServer(answerWith(500));
    const outcome = await sendWebhook(server.url, generateWebhookSecret(), message(), localPolicy);
    expect(outcome).toMatchObject({ ok: false, retryable: true, status: 500 });
    if (outcome.ok) throw new Error('expected a failure');
    expect(outcome.error).not.toContain('some body');
  });

  it('does not retry a 404', async () => {
    const server = await startServer(answerWith(404));
    expect(await sendWebhook(server.url, generateWebhookSecret(), message(), localPolicy)).toMatchObject({
      ok: false,
      retryable: false,
      status: 404,
    });
  });

  it('retries a 429', async () => {
    const server = await startServer(answerWith(429, { 'retry-after': '5' }));
    expect(await sendWebhook(server.url, generateWebhookSecret(), message(), localPolicy)).toMatchObject({
      ok: false,
      retryable: true,
      status: 429,
    });
  });

  it('does not follow a redirect and does not retry it', async () => {
    const elsewhere = await startServer(answerWith(200));
    const server = await startServer(answerWith(302, { location: elsewhere.url }));

    const outcome = await sendWebhook(server.url, generateWebhookSecret(), message(), localPolicy);

    expect(outcome).toMatchObject({ ok: false, retryable: false, status: 302 });
    expect(server.received).toHaveLength(1);
    expect(elsewhere.received).toHaveLength(0);
  });

  it('gives up on a server that never answers, as a retryable timeout', async () => {
    const server = await startServer(() => {
      // Reads the request, never answers.
    });
    const outcome = await sendWebhook(server.url, generateWebhookSecret(), message(), {
      ...localPolicy,
      timeoutMs: 300,
    });
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    if (outcome.ok) throw new Error('expected a failure');
    expect(outcome.error).toContain('timeout');
  });

  it('stops reading a huge response body and still reports its status', async () => {
    const tenMegabytes = 10 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(tenMegabytes) });
      // The sender hangs up early, so writes fail; that is expected here.
      res.on('error', () => {});
      let sent = 0;
      const pump = () => {
        while (sent < tenMegabytes && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    });

    expect(await sendWebhook(server.url, generateWebhookSecret(), message(), localPolicy)).toMatchObject({
      ok: true,
      status: 200,
    });
  });

  it('retries when nothing listens', async () => {
    const server = await startServer(answerWith(200));
    const closed = servers.pop();
    await new Promise<void>((resolve) => closed?.close(() => resolve()));

    const outcome = await sendWebhook(server.url, generateWebhookSecret(), message(), localPolicy);
    expect(outcome).toMatchObject({ ok: false, retryable: true, error: 'connection failed (ECONNREFUSED)' });
  });

  it('refuses a private address at connect time unless the policy allows it', async () => {
    const server = await startServer(answerWith(200));
    const strict = { ...localPolicy, allowPrivateNetworks: false };

    const outcome = await sendWebhook(server.url, generateWebhookSecret(), message(), strict);

    expect(outcome).toMatchObject({ ok: false, retryable: false });
    if (outcome.ok) throw new Error('expected a failure');
    expect(outcome.error).toContain('private address');
    expect(server.received).toHaveLength(0);
  });

  it('refuses a name that resolves to a private address (the DNS rebinding case)', async () => {
    const server = await startServer(answerWith(200));
    // localhost passes no literal-IP test: only the lookup tells it is loopback.
    const byName = server.url.replace('127.0.0.1', 'localhost');
    const strict = { ...localPolicy, allowPrivateNetworks: false };

    const outcome = await sendWebhook(byName, generateWebhookSecret(), message(), strict);

    expect(outcome).toMatchObject({ ok: false, retryable: false, error: 'refused: private address' });
    expect(server.received).toHaveLength(0);
  });

  it('refuses http when the policy requires https, without connecting', async () => {
    const server = await startServer(answerWith(200));
    const outcome = await sendWebhook(server.url, generateWebhookSecret(), message(), {
      ...localPolicy,
      allowHttp: false,
    });
    expect(outcome).toMatchObject({ ok: false, retryable: false, error: 'url refused: scheme_not_allowed' });
    expect(server.received).toHaveLength(0);
  });

  it('returns a non-retryable failure for an unusable secret instead of throwing', async () => {
    const server = await startServer(answerWith(200));
    expect(await sendWebhook(server.url, 'whsec_', message(), localPolicy)).toMatchObject({
      ok: false,
      retryable: false,
      error: 'could not sign message',
    });
    expect(server.received).toHaveLength(0);
  });

  it('returns a non-retryable failure for a message id that cannot be a header instead of throwing', async () => {
    const server = await startServer(answerWith(200));
    const injected = { ...message(), id: 'msg_1\r\nx-injected: 1' };
    expect(await sendWebhook(server.url, generateWebhookSecret(), injected, localPolicy)).toMatchObject({
      ok: false,
      retryable: false,
      error: 'request could not be built',
    });
    expect(server.received).toHaveLength(0);
  });
});

describe('generateWebhookSecret', () => {
  it('makes whsec_ secrets of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});

describe('checkWebhookUrl', () => {
  const production = { allowHttp: false, allowPrivateNetworks: false };
  const development = { allowHttp: true, allowPrivateNetworks: true };
  const problem = (url: string, policy = production) => {
    const result = checkWebhookUrl(url, policy);
    return result.ok ? 'ok' : result.problem;
  };

  it('accepts https and returns the parsed URL', () => {
    const result = checkWebhookUrl('https://hooks.kommun.example/samsyn?x=1', production);
    expect(result).toEqual({ ok: true, url: new URL('https://hooks.kommun.example/samsyn?x=1') });
  });

  it('refuses http unless allowed', () => {
    expect(problem('http://hooks.kommun.example/samsyn')).toBe('scheme_not_allowed');
    expect(problem('http://hooks.kommun.example/samsyn', { ...production, allowHttp: true })).toBe('ok');
  });

  it('refuses other schemes whatever the policy', () => {
    expect(problem('ftp://hooks.kommun.example/samsyn', development)).toBe('scheme_not_allowed');
    expect(problem('file:///etc/passwd', development)).toBe('scheme_not_allowed');
  });

  it('refuses credentials in the URL', () => {
    expect(problem('https://user:pass@hooks.kommun.example/')).toBe('credentials_in_url');
    expect(problem('https://user@hooks.kommun.example/')).toBe('credentials_in_url');
  });

  it('refuses a fragment, even an empty one', () => {
    expect(problem('https://hooks.kommun.example/samsyn#frag')).toBe('fragment');
    expect(problem('https://hooks.kommun.example/samsyn#')).toBe('fragment');
  });

  it('refuses literal IPs and localhost unless private networks are allowed', () => {
    const allowHttp = { ...production, allowHttp: true };
    for (const url of [
      'http://10.0.0.5/x',
      'http://[::1]/',
      'http://localhost/',
      'http://localhost./',
      'http://api.localhost/',
      'http://169.254.169.254/latest/meta-data',
      'http://0x7f.1/',
    ]) {
      expect(problem(url, allowHttp), url).toBe('private_address');
      expect(problem(url, development), url).toBe('ok');
    }
  });

  it('says not_a_url for garbage', () => {
    expect(problem('not a url')).toBe('not_a_url');
    expect(problem('')).toBe('not_a_url');
    expect(problem('https://')).toBe('not_a_url');
  });
});
