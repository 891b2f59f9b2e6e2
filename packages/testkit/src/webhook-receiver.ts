import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@samsyn/queue';

export interface ReceivedWebhook {
  id: string;
  type: string;
  data: Record<string, unknown>;
  /** Whether the signature verified with the receiver's own secret. */
  verified: boolean;
  headers: IncomingHttpHeaders;
}

/**
 * A party's webhook endpoint for tests: a real HTTP server that verifies each message with its secret,
 * records it, and answers with whatever `respond` says (200 unless told otherwise).
 */
export async function startWebhookReceiver(secret: string | (() => string)) {
  const secretNow = typeof secret === 'string' ? () => secret : secret;
  const received: ReceivedWebhook[] = [];
  let respond: (message: ReceivedWebhook) => number | Promise<number> = () => 200;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === 'string') headers[name] = value;
      let message: ReceivedWebhook;
      try {
        const parsed = verifyWebhook(secretNow(), body, headers);
        message = {
          id: headers['webhook-id'] ?? '',
          type: parsed.type,
          data: parsed.data,
          verified: true,
          headers: request.headers,
        };
      } catch {
        message = {
          id: headers['webhook-id'] ?? '',
          type: 'unverified',
          data: {},
          verified: false,
          headers: request.headers,
        };
      }
      received.push(message);
      const status = await respond(message);
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    /** Messages of a type that verified. */
    ofType: (type: string) => received.filter((message) => message.verified && message.type === type),
    respondWith: (handler: typeof respond) => {
      respond = handler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
