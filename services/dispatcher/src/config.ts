import { serviceConfigFields } from '@samsyn/http';
import { z } from 'zod';

export const dispatcherConfigSchema = z.object({
  DATABASE_URL: serviceConfigFields.DATABASE_URL,
  REDIS_URL: serviceConfigFields.REDIS_URL,
  LOG_LEVEL: serviceConfigFields.LOG_LEVEL,
  HOST: serviceConfigFields.HOST,
  /** Port of the health/readiness/metrics endpoint; 0 picks a free one. */
  DISPATCHER_PORT: serviceConfigFields.PORT.default(8090),
});
