import {
  AuthError,
  exchangeAssertion,
  isUnavailable,
  jwtBearerGrantType,
  ScopeError,
  type TokenExchangeDeps,
} from '@samsyn/auth';
import { type AppEnv, commonProblemResponses, createRoute, type OpenAPIHono, z } from '@samsyn/http';
import type { Context } from 'hono';

export const tokenEndpointPath = '/oauth2/token';

export const TokenRequestSchema = z
  .object({
    grant_type: z.string().max(200).openapi({ example: jwtBearerGrantType }),
    assertion: z
      .string()
      .max(16_384)
      .openapi({ description: 'A JWT signed with the party’s registered key.' }),
    scope: z.string().max(1000).optional().openapi({ example: 'status:read whoami' }),
  })
  .openapi('TokenRequest');

export const TokenResponseSchema = z
  .object({
    access_token: z.string().max(4096),
    token_type: z.enum(['Bearer', 'DPoP']),
    expires_in: z.number().int().min(1).max(600).openapi({ format: 'int32' }),
    scope: z.string().max(1000),
  })
  .openapi('TokenResponse');

export const OAuthErrorSchema = z
  .object({
    error: z.enum([
      'invalid_request',
      'invalid_grant',
      'invalid_scope',
      'unsupported_grant_type',
      'temporarily_unavailable',
    ]),
    error_description: z.string().max(500).optional(),
  })
  .openapi('OAuthError', { description: 'RFC 6749 §5.2 error response.' });

const oauthError = (description: string) => ({
  description,
  content: { 'application/json': { schema: OAuthErrorSchema } },
});

export const tokenRoute = createRoute({
  method: 'post',
  path: tokenEndpointPath,
  operationId: 'createAccessToken',
  tags: ['Authentication'],
  summary: 'Exchange a signed assertion for an access token',
  description:
    'RFC 7523 §2.1 JWT bearer grant. The assertion is signed with a key registered for the calling party ' +
    '(ES256, EdDSA, PS256 or RS256 ≥ 2048 bits); `iss` is the party id, `sub` the officer, `aud` this ' +
    'endpoint, `exp` at most 300 s after `iat`, `jti` single-use. Errors use the OAuth format, not problem+json.',
  request: {
    body: {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: TokenRequestSchema } },
    },
    headers: z.object({ dpop: z.string().max(8192).optional().openapi({ description: 'RFC 9449 proof' }) }),
  },
  responses: {
    200: {
      description: 'An access token',
      headers: {
        'Cache-Control': { schema: { type: 'string', enum: ['no-store'] }, description: 'no-store' },
      },
      content: { 'application/json': { schema: TokenResponseSchema } },
    },
    400: oauthError('The request, grant or scope was refused'),
    413: commonProblemResponses[413],
    429: commonProblemResponses[429],
    500: commonProblemResponses[500],
    503: oauthError('The replay store is unavailable'),
  },
});

type OAuthErrorCode = z.infer<typeof OAuthErrorSchema>['error'];

function refuse(
  c: Context<AppEnv>,
  error: OAuthErrorCode,
  description: string,
  reason: string,
  status: 400 | 503 = 400,
) {
  c.get('logger').info({ reason, oauthError: error }, 'token request refused');
  return c.json({ error, error_description: description }, status, { 'cache-control': 'no-store' });
}

const formContentType = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

export function registerTokenRoute(app: OpenAPIHono<AppEnv>, deps: TokenExchangeDeps) {
  // RFC 6749 §3.2 requires a form body; say so in OAuth's own error format, before the validator runs.
  app.use(tokenEndpointPath, async (c, next) => {
    if (c.req.method === 'POST' && !formContentType.test(c.req.header('content-type') ?? '')) {
      return refuse(c, 'invalid_request', 'send application/x-www-form-urlencoded', 'invalid_request');
    }
    await next();
  });
  app.openapi(
    tokenRoute,
    async (c) => {
      const form = c.req.valid('form');
      if (form.grant_type !== jwtBearerGrantType) {
        return refuse(c, 'unsupported_grant_type', `use ${jwtBearerGrantType}`, 'unsupported_grant_type');
      }
      try {
        const grant = await exchangeAssertion(deps, {
          assertion: form.assertion,
          scope: form.scope,
          dpopProof: c.req.valid('header').dpop,
        });
        const caller = grant.caller;
        c.get('logger').info(
          {
            granted: grant.scope,
            ...(caller.kind === 'agency' ? { party: caller.partyId, officer: caller.officerId } : {}),
            ...(caller.kind === 'citizen' ? { citizenIssuer: caller.issuerId } : {}),
          },
          'access token issued',
        );
        return c.json(
          {
            access_token: grant.accessToken,
            token_type: grant.tokenType,
            expires_in: grant.expiresIn,
            scope: grant.scope,
          },
          200,
          { 'cache-control': 'no-store', pragma: 'no-cache' },
        );
      } catch (error) {
        if (error instanceof ScopeError) return refuse(c, 'invalid_scope', error.message, 'invalid_scope');
        if (error instanceof AuthError) {
          if (isUnavailable(error)) {
            return refuse(c, 'temporarily_unavailable', error.message, error.failure, 503);
          }
          return refuse(c, 'invalid_grant', error.message, error.failure);
        }
        throw error;
      }
    },
    (result, c) => {
      if (!result.success) {
        const fields = result.error.issues.map((i) => i.path.join('.') || result.target).join(', ');
        return refuse(c, 'invalid_request', `missing or invalid: ${fields}`, 'invalid_request');
      }
    },
  );
}
