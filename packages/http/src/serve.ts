import { serve } from '@hono/node-server';
import type { Logger } from './logger';

export interface ServeOptions {
  port: number;
  host: string;
  logger: Logger;
  /** Runs after the server has stopped taking requests and in-flight ones have finished. */
  onClose: () => Promise<void>;
  /** Longest wait for in-flight requests before connections are cut. */
  drainTimeoutMs?: number;
}

type FetchApp = { fetch: Parameters<typeof serve>[0]['fetch'] };

/**
 * Serves an app until SIGINT/SIGTERM, then stops accepting, lets in-flight requests finish, and closes
 * the app's resources. Resolves with the bound port once listening.
 */
export function serveUntilSignal(app: FetchApp, options: ServeOptions): Promise<number> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      options.logger.info({ port: info.port, host: options.host }, 'listening');
      resolve(info.port);
    });
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      options.logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, options.drainTimeoutMs ?? 10_000);
      force.unref();
      server.close(() => {
        options
          .onClose()
          .catch((error: unknown) => options.logger.error({ err: error }, 'error while closing'))
          .finally(() => {
            options.logger.info('stopped');
            process.exit(0);
          });
      });
      if ('closeIdleConnections' in server) server.closeIdleConnections();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
