import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { answerClientErrors } from '@samsyn/http';

type FetchApp = { fetch: Parameters<typeof serve>[0]['fetch'] };

/** Serves an app on a free loopback port over real HTTP. */
export function startServer(app: FetchApp): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
    // As serveUntilSignal does: what Node's parser refuses is answered in problem+json too.
    answerClientErrors(server);
  });
}
