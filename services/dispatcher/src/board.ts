import { createRequire } from 'node:module';
import path from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { type AppEnv, type OpenAPIHono, type OperatorCredentials, operatorAuth } from '@samsyn/http';
import type { Queue } from 'bullmq';

export const queueBoardPath = '/admin/queues';

/**
 * The board's page links a stylesheet on fonts.googleapis.com: an operator's browser would tell Google
 * who opens the dashboard and when. Everything is allowed from this server only; inline styles are
 * the page's own (its script tag is a JSON data block, which is not executed).
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface QueueBoardOptions {
  credentials: OperatorCredentials;
  queues: readonly Queue[];
}

/**
 * Bull Board reads its page template and browser assets from @bull-board/ui's folder at run time.
 * The build keeps that package out of the bundle, so it is resolved from the node_modules beside
 * whatever runs (the bundle or the sources), never from the working directory.
 */
function boardUiPath(): string {
  return path.dirname(createRequire(import.meta.url).resolve('@bull-board/ui/package.json'));
}

/**
 * The queue dashboard for operators at `/admin/queues`, every path of it behind HTTP Basic. Read
 * only: the outbox in PostgreSQL decides what is sent, so jobs are not retried, removed or added
 * here; dead letters are re-driven through the API. Jobs hold ids only (a delivery id), never
 * personal data, so the job pages show nothing more than the deliveries API does.
 */
export function mountQueueBoard(router: OpenAPIHono<AppEnv>, options: QueueBoardOptions): void {
  const adapter = new HonoAdapter(serveStatic).setBasePath(queueBoardPath);
  createBullBoard({
    queues: options.queues.map(
      (queue) => new BullMQAdapter(queue, { readOnlyMode: true, allowRetries: false }),
    ),
    serverAdapter: adapter,
    options: { uiBasePath: boardUiPath(), uiConfig: { boardTitle: 'Samsyn queues' } },
  });
  const auth = operatorAuth(options.credentials);
  for (const path of [queueBoardPath, `${queueBoardPath}/*`]) {
    router.use(path, auth);
    router.use(path, async (c, next) => {
      await next();
      c.header('content-security-policy', contentSecurityPolicy);
      c.header('referrer-policy', 'no-referrer');
    });
  }
  router.route(queueBoardPath, adapter.registerPlugin());
}
