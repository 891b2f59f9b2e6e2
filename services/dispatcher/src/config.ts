import { serviceConfigFields } from '@samsyn/http';
import { z } from 'zod';

export const dispatcherConfigSchema = z.object({
  DATABASE_URL: serviceConfigFields.DATABASE_URL,
  REDIS_URL: serviceConfigFields.REDIS_URL,
  LOG_LEVEL: serviceConfigFields.LOG_LEVEL,
  HOST: serviceConfigFields.HOST,
  /** Port of the health/readiness/metrics endpoint; 0 picks a free one. */
  DISPATCHER_PORT: serviceConfigFields.PORT.default(8090),
  /** How often committed access-log entries get their gap-free sequence number. */
  AUDIT_SEQUENCE_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
});
