import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { serve } from '@hono/node-server';
import type { Logger } from './logger';
import { type ProblemCode, problemBody } from './problems';
import { shutdownTracing } from './tracing';

export interface ServeOptions {
  port: number;
  host: string;
  logger: Logger;
  /** Runs after the server has stopped taking requests and in-flight ones have finished. */
  onClose: () => Promise<void>;
  /** Longest wait for in-flight requests before connections are cut. */
  drainTimeoutMs?: number;
  /**
   * After the signal, keep serving this long with `/readyz` answering 503, so a load balancer stops
   * sending new requests before the listener closes and late arrivals are answered, not reset.
   */
  graceMs?: number;
}

type FetchApp = { fetch: Parameters<typeof serve>[0]['fetch'] };

interface ClientErrorSource {
  on(event: 'clientError', listener: (error: Error & { code?: string }, socket: Duplex) => void): unknown;
}

/**
 * Requests Node's HTTP parser refuses never reach the app, and Node answers them with a bare status
 * line: headers over its size limit (431), a header or request line it cannot parse (400), headers
 * that took too long (408). Answer those in problem+json as well, and close the connection.
 */
export function answerClientErrors(server: ClientErrorSource): void {
  server.on('clientError', (error, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const code: ProblemCode =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? 'headers-too-large'
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 'request-timeout'
          : 'malformed-request';
    const body = JSON.stringify(problemBody(code));
    const { status } = problemBody(code);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
        'content-type: application/problem+json\r\n' +
        'cache-control: no-store\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
  });
}

/**
 * Serves an app until SIGINT/SIGTERM, then stops accepting, lets in-flight requests finish, and closes
 * the app's resources. Resolves with the bound port once listening.
 */
export function serveUntilSignal(app: FetchApp, options: ServeOptions): Promise<number> {
  return new Promise((resolve) => {
    let draining = false;
    const fetch: FetchApp['fetch'] = (request, env) => {
      if (draining && new URL(request.url).pathname === '/readyz') {
        return new Response(
          JSON.stringify({
            type: 'urn:samsyn:problem:service-unavailable',
            title: 'Shutting down',
            status: 503,
          }),
          { status: 503, headers: { 'content-type': 'application/problem+json' } },
        );
      }
      return app.fetch(request, env);
    };
    const server = serve({ fetch, port: options.port, hostname: options.host }, (info) => {
      options.logger.info({ port: info.port, host: options.host }, 'listening');
      resolve(info.port);
    });
    answerClientErrors(server);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      options.logger.info({ signal }, 'shutting down');
      draining = true;
      setTimeout(() => closeServer(), options.graceMs ?? 0);
    };
    const closeServer = () => {
      const force = setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, options.drainTimeoutMs ?? 10_000);
      force.unref();
      server.close(() => {
        options
          .onClose()
          .catch((error: unknown) => options.logger.error({ err: error }, 'error while closing'))
          // The last requests' spans are still batched: send them before the process goes.
          .then(() => shutdownTracing())
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
