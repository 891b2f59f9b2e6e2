import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createWebhookVerifier,
  type SamsynWebhookEvent,
  WebhookVerificationError,
  type WebhookVerifier,
} from '@samsyn/client';

export interface DeliveredMessage {
  id: string;
  event: SamsynWebhookEvent;
}

/**
 * An agency's webhook endpoint on this machine, written as the SDK guide tells agencies to: verify
 * the Standard Webhooks signature with the secret Samsyn issued, take each `webhook-id` once (a retry
 * carries the same id), answer 204 at once, and fetch what the ids point to afterwards.
 */
export async function startDemoReceiver() {
  let verifier: WebhookVerifier | undefined;
  const messages: DeliveredMessage[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      try {
        if (!verifier) throw new WebhookVerificationError('bad-signature', 'no secret registered yet');
        const result = await verifier.verify(Buffer.concat(chunks), request.headers);
        if (result.kind === 'new') messages.push({ id: result.id, event: result.event });
        response.writeHead(204).end();
        for (const wake of waiters) wake();
      } catch (error) {
        response.writeHead(error instanceof WebhookVerificationError ? 401 : 500).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function ofType(type: SamsynWebhookEvent['type']): DeliveredMessage[] {
    return messages.filter((message) => message.event.type === type);
  }

  return {
    url: `http://127.0.0.1:${port}/samsyn/webhooks`,
    useSecret(secret: string) {
      verifier = createWebhookVerifier({ secret });
    },
    /** Resolves with the messages once `count` of the type have arrived; rejects after the timeout. */
    waitFor(type: SamsynWebhookEvent['type'], count: number, timeoutMs: number) {
      return new Promise<DeliveredMessage[]>((resolve, reject) => {
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
