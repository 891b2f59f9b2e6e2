import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The closed vocabulary of errors every Samsyn API returns (RFC 9457). The `type` is a stable URN per
 * code; clients branch on it, never on `title` or `detail`. Add a code here before using it.
 */
export const problemCatalogue = {
  'validation-failed': { status: 422, title: 'The request does not match the schema' },
  'malformed-request': { status: 400, title: 'The request could not be read' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  'insufficient-scope': { status: 403, title: 'The access token lacks the scope this operation needs' },
  'not-found': { status: 404, title: 'No such resource' },
  'method-not-allowed': { status: 405, title: 'The resource does not support this method' },
  'request-timeout': { status: 408, title: 'The request was not received in time' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'The request body has an unsupported media type' },
  'headers-too-large': { status: 431, title: 'The request headers are too large' },
  'invalid-personnummer': { status: 422, title: 'Not a valid personnummer or samordningsnummer' },
  'unknown-party': { status: 422, title: 'A named party is not registered' },
  'idempotency-key-reused': {
    status: 422,
    title: 'This Idempotency-Key was already used with another request body',
  },
  'category-not-owned': { status: 403, title: 'Your party kind does not publish this category' },
  'consent-revoked': { status: 409, title: 'The consent has already been revoked' },
  'consent-required': {
    status: 403,
    title: 'No valid consent covers this: it must name every party, the purpose and the period',
  },
  'illegal-transition': { status: 409, title: 'The SIP cannot move from its current phase to that one' },
  'not-redrivable': { status: 409, title: 'Only a dead delivery can be re-driven' },
  'state-conflict': { status: 409, title: 'The resource is not in a state that allows this now' },
  'role-required': { status: 403, title: 'Your party does not hold the role this operation needs' },
  'personal-data-in-text': {
    status: 422,
    title: 'The text identifies a person, which an anonymised text must not',
  },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'service-unavailable': { status: 503, title: 'A dependency is unavailable; try again shortly' },
  'internal-error': { status: 500, title: 'Something went wrong on our side' },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ProblemCode = keyof typeof problemCatalogue;

export const problemTypePrefix = 'urn:samsyn:problem:';

export function problemType(code: ProblemCode): string {
  return `${problemTypePrefix}${code}`;
}

export interface FieldError {
  /** Where the error is: `body`, `query`, `path`, `header`. */
  location: string;
  /** JSON Pointer (RFC 6901) into that location. */
  pointer: string;
  detail: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

/** Thrown by handlers and domain code mapped at the edge; the app's error handler renders it. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? problemCatalogue[code].title);
  }
}

export function problemBody(
  code: ProblemCode,
  detail?: string,
  extra: Partial<ProblemDetails> = {},
): ProblemDetails {
  const { status, title } = problemCatalogue[code];
  return { type: problemType(code), title, status, ...(detail ? { detail } : {}), ...extra };
}

export function problemResponse(
  c: Context,
  code: ProblemCode,
  detail?: string,
  extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
): Response {
  const body = problemBody(code, detail, {
    // The Problem schema caps `instance` at 2,000 characters; a longer path is cut, not echoed whole.
    instance: c.req.path.slice(0, 2000),
    ...(c.get('requestId') ? { requestId: c.get('requestId') } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
  });
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: {
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      ...(c.get('requestId') ? { 'x-request-id': c.get('requestId') } : {}),
      ...extra.headers,
    },
  });
}
