import type { Schemas } from './types';

/** RFC 9457 problem details, as every Samsyn API error (except the OAuth token endpoint's) is shaped. */
export type Problem = Schemas['Problem'];
export type FieldError = Schemas['FieldError'];

/**
 * The closed vocabulary of problem codes; `type` is `urn:samsyn:problem:<code>`. Mirrors the
 * gateway's catalogue (`packages/http/src/problems.ts`); a test fails when the two differ.
 */
export const problemCodes = [
  'validation-failed',
  'malformed-request',
  'unauthenticated',
  'insufficient-scope',
  'not-found',
  'method-not-allowed',
  'request-timeout',
  'payload-too-large',
  'unsupported-media-type',
  'headers-too-large',
  'invalid-personnummer',
  'unknown-party',
  'idempotency-key-reused',
  'category-not-owned',
  'consent-revoked',
  'consent-required',
  'illegal-transition',
  'not-redrivable',
  'state-conflict',
  'role-required',
  'personal-data-in-text',
  'rate-limited',
  'service-unavailable',
  'internal-error',
] as const;
export type ProblemCode = (typeof problemCodes)[number];

const prefix = 'urn:samsyn:problem:';

export type ProblemType = `${typeof prefix}${ProblemCode}`;

export function problemType(code: ProblemCode): ProblemType {
  return `${prefix}${code}`;
}

/** Whether a parsed response body is a problem document (checked by shape, not by content type). */
export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.type === 'string' &&
    typeof candidate.title === 'string' &&
    typeof candidate.status === 'number'
  );
}

/**
 * A refused API call. Branch on `code` (or `type`), never on `title` or `detail`: those are for
 * people and may change. Answers that are not problem documents (a proxy's HTML 502, say) become
 * `about:blank` problems with the HTTP status, as RFC 9457 §4.2.1 describes.
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly problem: Problem;
  readonly type: string;
  readonly status: number;
  /** The Samsyn code, or undefined for a type outside the vocabulary (e.g. `about:blank`). */
  readonly code: ProblemCode | undefined;
  /** One entry per failing field for `validation-failed`, each with a JSON Pointer; else empty. */
  readonly errors: readonly FieldError[];
  /** Samsyn's request id (yours, if you sent `X-Request-Id`): quote it when asking for support. */
  readonly requestId: string | undefined;

  constructor(problem: Problem, options: { requestId?: string; cause?: unknown } = {}) {
    super(`${problem.type}: ${problem.detail ?? problem.title}`, { cause: options.cause });
    this.problem = problem;
    this.type = problem.type;
    this.status = problem.status;
    this.code = codeOf(problem.type);
    this.errors = problem.errors ?? [];
    this.requestId = problem.requestId ?? options.requestId;
  }

  /** From a failed response and its already-parsed body. */
  static fromResponse(response: Response, body: unknown): ProblemError {
    const requestId = response.headers.get('x-request-id') ?? undefined;
    if (isProblem(body)) return new ProblemError(body, { requestId });
    return new ProblemError(
      {
        type: 'about:blank',
        title: response.statusText || `HTTP ${response.status}`,
        status: response.status,
      },
      { requestId, cause: body },
    );
  }
}

function codeOf(type: string): ProblemCode | undefined {
  if (!type.startsWith(prefix)) return undefined;
  const code = type.slice(prefix.length);
  return (problemCodes as readonly string[]).includes(code) ? (code as ProblemCode) : undefined;
}

/** The shape of an openapi-fetch result, as far as `unwrap` needs it. */
export interface ApiResult<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/**
 * The data of a successful call, or a thrown ProblemError: for code that would rather not check
 * `error` after every call.
 */
export async function unwrap<Data>(pending: Promise<ApiResult<Data>> | ApiResult<Data>): Promise<Data> {
  const result = await pending;
  if (!result.response.ok) throw ProblemError.fromResponse(result.response, result.error);
  // openapi-fetch leaves data undefined only for bodiless answers, which no JSON route of Samsyn gives.
  return result.data as Data;
}
