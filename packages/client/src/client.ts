import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { TokenProvider } from './token-provider';
import type { paths } from './types';

/** For your own middleware on the client (logging, tracing headers): `client.use(middleware)`. */
export type { Middleware };

/**
 * The media types the typed client reads: JSON and problem+json. The access log's `text/csv`
 * alternative is left out so `data` is the JSON shape; ask for CSV with `parseAs: 'text'`.
 */
export type SamsynMediaType = `${string}/${string}json`;

/** The typed client: `GET`, `POST`, `PATCH`… with paths, bodies and answers from the OpenAPI document. */
export type SamsynClient = Client<paths, SamsynMediaType>;

interface CommonOptions {
  /** Samsyn's origin, e.g. `https://samsyn.example.se`. */
  baseUrl: string;
  /** Another fetch (a proxy agent, a test double); defaults to the global one. */
  fetch?: (request: Request) => Promise<Response>;
  /**
   * Your trace id for each request, sent as `X-Request-Id` when the call sets none of its own;
   * Samsyn echoes it, logs it and writes it to the access log.
   */
  requestId?: () => string | undefined;
}

export type SamsynClientOptions = CommonOptions &
  (
    | { tokens: TokenProvider; getToken?: never }
    | { getToken: () => string | Promise<string>; tokens?: never }
  );

/**
 * A typed Samsyn client (openapi-fetch over the generated `paths`) that sends `Authorization: Bearer`
 * with a token from your provider on every call. Calls answer `{ data, error, response }`; wrap them
 * in `unwrap` to get the data or a thrown ProblemError instead.
 */
export function createSamsynClient(options: SamsynClientOptions): SamsynClient {
  const { tokens } = options;
  const getToken = tokens ? () => tokens.getToken() : options.getToken;
  const client = createClient<paths, SamsynMediaType>({
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  client.use(authorise(getToken, options.requestId));
  return client;
}

function authorise(
  getToken: () => string | Promise<string>,
  requestId: (() => string | undefined) | undefined,
): Middleware {
  return {
    async onRequest({ request }) {
      // A header the call set itself wins: a citizen token for /v1/me, a request id per job.
      if (!request.headers.has('authorization')) {
        request.headers.set('authorization', `Bearer ${await getToken()}`);
      }
      const id = requestId?.();
      if (id !== undefined && !request.headers.has('x-request-id')) request.headers.set('x-request-id', id);
      return request;
    },
  };
}
