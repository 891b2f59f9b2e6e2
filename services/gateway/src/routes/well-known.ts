import { assertionAlgorithms } from '@samsyn/auth';
import { scopes } from '@samsyn/domain';
import { type AppEnv, createRoute, type OpenAPIHono, z } from '@samsyn/http';
import type { JWK } from 'jose';
import { tokenEndpointPath } from './oauth2-token';

const JwksSchema = z
  .object({ keys: z.array(z.record(z.string(), z.unknown())).max(20) })
  .openapi('JsonWebKeySet', { description: 'The gateway’s public signing keys (RFC 7517).' });

export const jwksRoute = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  operationId: 'getGatewayKeys',
  tags: ['Authentication'],
  summary: 'Public keys that verify the gateway’s access tokens',
  responses: { 200: { description: 'JWKS', content: { 'application/json': { schema: JwksSchema } } } },
});

const MetadataSchema = z
  .object({
    issuer: z.string().max(500),
    token_endpoint: z.string().max(500),
    jwks_uri: z.string().max(500),
    grant_types_supported: z.array(z.string().max(200)).max(10),
    token_endpoint_auth_methods_supported: z.array(z.string().max(100)).max(10),
    token_endpoint_auth_signing_alg_values_supported: z.array(z.string().max(20)).max(10),
    dpop_signing_alg_values_supported: z.array(z.string().max(20)).max(10),
    scopes_supported: z.array(z.string().max(50)).max(50),
  })
  .openapi('AuthorizationServerMetadata', { description: 'RFC 8414 metadata.' });

export const metadataRoute = createRoute({
  method: 'get',
  path: '/.well-known/oauth-authorization-server',
  operationId: 'getAuthorizationServerMetadata',
  tags: ['Authentication'],
  summary: 'Where and how to get a token (RFC 8414)',
  responses: {
    200: { description: 'Metadata', content: { 'application/json': { schema: MetadataSchema } } },
  },
});

/** Publishes every key the gateway's tokens and receipts verify against: the current one and, during a rotation, the previous. */
export function registerWellKnownRoutes(
  app: OpenAPIHono<AppEnv>,
  verificationKeys: JWK[],
  publicUrl: string,
) {
  const jwks = { keys: verificationKeys as Array<Record<string, unknown>> };
  app.openapi(jwksRoute, (c) => c.json(jwks, 200, { 'cache-control': 'public, max-age=300' }));
  const metadata = {
    issuer: publicUrl,
    token_endpoint: `${publicUrl}${tokenEndpointPath}`,
    jwks_uri: `${publicUrl}/.well-known/jwks.json`,
    grant_types_supported: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
    token_endpoint_auth_methods_supported: ['none'],
    token_endpoint_auth_signing_alg_values_supported: [...assertionAlgorithms],
    dpop_signing_alg_values_supported: [...assertionAlgorithms],
    scopes_supported: [...scopes],
  };
  app.openapi(metadataRoute, (c) => c.json(metadata, 200));
}
