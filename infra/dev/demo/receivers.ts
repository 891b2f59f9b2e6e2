import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@samsyn/queue';

export interface DeliveredMessage {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * An agency's webhook endpoint on this machine: verifies each message's Standard Webhooks signature
 * with the secret Samsyn issued, keeps each `webhook-id` once (a retry carries the same id) and
 * answers 204 at once, as the integration guide tells agencies to.
 */
export async function startDemoReceiver() {
  let secret = '';
  const messages: DeliveredMessage[] = [];
  const waiters = new Set<() => void>();
  let refused = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === 'string') headers[name] = value;
      try {
        const message = verifyWebhook(secret, Buffer.concat(chunks).toString('utf8'), headers);
        const id = headers['webhook-id'] ?? '';
        if (!messages.some((seen) => seen.id === id))
          messages.push({ id, type: message.type, data: message.data });
        response.writeHead(204).end();
        for (const wake of waiters) wake();
      } catch {
        refused += 1;
        response.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function ofType(type: string): DeliveredMessage[] {
    return messages.filter((message) => message.type === type);
  }

  return {
    url: `http://127.0.0.1:${port}/samsyn/webhooks`,
    useSecret(value: string) {
      secret = value;
    },
    ofType,
    get refused() {
      return refused;
    },
    /** Resolves with the messages once `count` of the type have arrived; rejects after the timeout. */
    waitFor(type: string, count: number, timeoutMs: number): Promise<DeliveredMessage[]> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (ofType(type).length < count) return;
          cleanUp();
          resolve(ofType(type));
        };
        const timer = setTimeout(() => {
          cleanUp();
          reject(new Error(`no ${type} webhook within ${timeoutMs / 1000} s (got ${ofType(type).length})`));
        }, timeoutMs);
        const cleanUp = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type DemoReceiver = Awaited<ReturnType<typeof startDemoReceiver>>;
