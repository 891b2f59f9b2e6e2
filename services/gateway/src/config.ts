import { serviceConfigFields, webhookPolicyFields } from '@samsyn/http';
import { z } from 'zod';

export const gatewayConfigSchema = z.object({
  ...serviceConfigFields,
  ...webhookPolicyFields,
  PORT: serviceConfigFields.PORT.default(8080),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(600).default(300),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
