import { serviceConfigFields } from '@samsyn/http';
import { z } from 'zod';

export const gatewayConfigSchema = z.object({
  ...serviceConfigFields,
  PORT: serviceConfigFields.PORT.default(8080),
  /** The gateway's private signing key (a JWK file); its public half is served at /.well-known/jwks.json. */
  GATEWAY_SIGNING_KEY_FILE: z.string().min(1).default('.data/keys/gateway.private.jwk.json'),
  /** Secret for the keyed hash that names persons (HMAC-SHA256); losing it orphans every stored person. */
  PERSON_KEY_SECRET: z.string().min(32, 'must be at least 32 characters'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(600).default(300),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
