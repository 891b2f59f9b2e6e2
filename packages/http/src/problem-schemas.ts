import { z } from '@hono/zod-openapi';
import { type ProblemCode, problemCatalogue, problemTypePrefix } from './problems';

export const FieldErrorSchema = z
  .object({
    location: z.string().max(20).openapi({ example: 'body' }),
    pointer: z.string().max(500).openapi({ example: '/consent/validUntil' }),
    detail: z.string().max(1000),
  })
  .openapi('FieldError');

export const ProblemSchema = z
  .object({
    type: z
      .string()
      .max(100)
      .openapi({
        example: `${problemTypePrefix}validation-failed`,
        description: 'Stable URN naming the error.',
      }),
    title: z.string().max(200),
    status: z.number().int().min(400).max(599).openapi({ format: 'int32' }),
    detail: z.string().max(2000).optional(),
    instance: z.string().max(2000).optional(),
    requestId: z.string().max(255).optional(),
    errors: z.array(FieldErrorSchema).max(100).optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details.' });

function problemResponse(code: ProblemCode) {
  return {
    description: problemCatalogue[code].title,
    content: { 'application/problem+json': { schema: ProblemSchema } },
  };
}

const rateLimitHeaders = {
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer' as const, format: 'int32', minimum: 0, maximum: 86400 },
  },
};

/** The error responses every route can produce, for its OpenAPI description. */
export const commonProblemResponses = {
  400: problemResponse('malformed-request'),
  413: problemResponse('payload-too-large'),
  422: problemResponse('validation-failed'),
  429: { ...problemResponse('rate-limited'), headers: rateLimitHeaders },
  500: problemResponse('internal-error'),
  503: problemResponse('service-unavailable'),
} as const;

/** Added to routes that need a bearer token. */
export const securedProblemResponses = {
  401: problemResponse('unauthenticated'),
  403: problemResponse('insufficient-scope'),
} as const;

export const jsonBodyProblemResponses = {
  415: problemResponse('unsupported-media-type'),
} as const;

export { problemResponse as problemResponseSpec };
