/**
 * The image's `migrate` command: applies the committed migrations (packages/db/migrations) to
 * DATABASE_URL and exits, once before a rollout (the Kubernetes Job, the compose `migrate` service).
 * Migrations are forward-only and the run is idempotent: drizzle records what has run.
 * Exit 0 when the schema is current, 1 on a bad configuration or a failed migration.
 */
import { runMigrations } from '@samsyn/db';
import { configOrExit, createLogger, serviceConfigFields } from '@samsyn/http';
import { z } from 'zod';

const config = configOrExit(
  'migrate',
  z.object({ DATABASE_URL: serviceConfigFields.DATABASE_URL, LOG_LEVEL: serviceConfigFields.LOG_LEVEL }),
  process.env,
);
const logger = createLogger({ name: 'migrate', level: config.LOG_LEVEL });
const started = performance.now();
try {
  await runMigrations(config.DATABASE_URL);
  logger.info({ ms: Math.round(performance.now() - started) }, 'migrations applied; the schema is current');
} catch (error) {
  logger.error({ err: messages(error) }, 'migration failed');
  process.exitCode = 1;
}

/**
 * The messages along the cause chain only: drizzle wraps the driver's error ("connect ECONNREFUSED")
 * in a "Failed query" one, and a driver error's other fields can carry the connection string.
 */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e !== undefined && parts.length < 4; e = e instanceof Error ? e.cause : undefined) {
    parts.push(e instanceof Error ? e.message : String(e));
  }
  return parts.join(': ');
}
