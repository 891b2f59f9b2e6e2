import { readFile } from 'node:fs/promises';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { type AccessTokenVerifier, loadSigningKey, PersonVault, type SigningKey } from '@samsyn/auth';
import type { Database } from '@samsyn/db';
import type { JWK } from 'jose';
import { configOrExit, publicUrlOf, type ServiceConfig, serviceConfigSchema } from './config';
import type { AppEnv } from './env';
import { createHost } from './host';
import { createLogger, type Logger } from './logger';
import { connectPlatform } from './platform';
import { serveUntilSignal } from './serve';
import { startTracing } from './tracing';

/** What a service's `createApp` receives. */
export interface ServiceDeps {
  db: Database['db'];
  logger: Logger;
  persons: PersonVault;
  /** The gateway's key and issuer: receipts it signs verify against `/.well-known/jwks.json`. */
  receipts: { signingKey: SigningKey; issuer: string };
  /** Follow-up cells below this many people are suppressed. */
  suppressionThreshold: number;
  /** For pages outside `/v1` that check a token themselves (the förbund dashboard); absent in tools. */
  accessTokens?: Pick<AccessTokenVerifier, 'verify'>;
}

export async function readSigningKeyFile(file: string): Promise<SigningKey> {
  return loadSigningKey(JSON.parse(await readFile(file, 'utf8')) as JWK);
}

export function personVaultFrom(config: Pick<ServiceConfig, 'PERSON_KEY_SECRET' | 'PERSON_ENCRYPTION_KEY'>) {
  return new PersonVault({
    hmacSecret: config.PERSON_KEY_SECRET,
    encryptionKey: config.PERSON_ENCRYPTION_KEY,
  });
}

export interface ServiceDefinition {
  name: string;
  description: string;
  createApp: (deps: ServiceDeps) => OpenAPIHono<AppEnv>;
  /** Paths that take form-encoded bodies (HTML forms) instead of JSON. */
  formPaths?: readonly string[];
}

/**
 * `main.ts` of a service that runs alone: read config, connect, host the service's router, serve until
 * a signal. In the embedded default the gateway hosts every router in one process instead.
 */
export async function runService(
  service: ServiceDefinition,
  env: Record<string, string | undefined>,
): Promise<void> {
  const config = configOrExit(service.name, serviceConfigSchema, env);
  await startTracing(config, { name: service.name, version: '0.1.0' });
  const logger = createLogger({ name: service.name, level: config.LOG_LEVEL });
  const signingKey = await readSigningKeyFile(config.GATEWAY_SIGNING_KEY_FILE);
  const platform = await connectPlatform(config, logger);
  const router = service.createApp({
    db: platform.database.db,
    logger,
    persons: personVaultFrom(config),
    receipts: { signingKey, issuer: publicUrlOf(config) },
    suppressionThreshold: config.METRICS_SUPPRESSION_THRESHOLD,
    accessTokens: platform.auth.verifier,
  });
  const app = createHost(
    {
      name: service.name,
      version: '0.1.0',
      description: service.description,
      logger,
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      readiness: platform.readiness,
      auth: platform.auth,
      publicUrl: publicUrlOf(config),
      nonJsonPaths: [...(service.formPaths ?? [])],
    },
    (host) => host.route('/', router),
  );
  await serveUntilSignal(app, {
    port: config.PORT,
    host: config.HOST,
    logger,
    onClose: platform.close,
    graceMs: config.SHUTDOWN_GRACE_MS,
  });
}
