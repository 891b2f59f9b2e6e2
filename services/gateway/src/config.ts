import { serviceConfigFields, webhookPolicyFields } from '@samsyn/http';
import { z } from 'zod';

export const gatewayConfigSchema = z.object({
  ...serviceConfigFields,
  ...webhookPolicyFields,
  PORT: serviceConfigFields.PORT.default(8080),
  /** Benchmarks only: a constant route and an unvalidated twin of the exchange, to measure against. */
  BENCH_ROUTES: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .default(false),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(600).default(300),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
