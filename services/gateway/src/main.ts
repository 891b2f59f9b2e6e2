import { readFile } from 'node:fs/promises';
import { loadSigningKey } from '@samsyn/auth';
import { configOrExit, connectPlatform, createLogger, publicUrlOf, serveUntilSignal } from '@samsyn/http';
import type { JWK } from 'jose';
import { createApp } from './app';
import { gatewayConfigSchema } from './config';

const config = configOrExit('gateway', gatewayConfigSchema, process.env);
const logger = createLogger({ name: 'gateway', level: config.LOG_LEVEL });
const signingKey = await loadSigningKey(
  JSON.parse(await readFile(config.GATEWAY_SIGNING_KEY_FILE, 'utf8')) as JWK,
);
const platform = await connectPlatform(config, logger, { keys: [signingKey.publicJwk] });
const app = createApp({
  db: platform.database.db,
  logger,
  replay: platform.replay,
  auth: platform.auth,
  readiness: platform.readiness,
  signingKey,
  publicUrl: publicUrlOf(config),
  personKeySecret: config.PERSON_KEY_SECRET,
  accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  bodyLimitBytes: config.BODY_LIMIT_BYTES,
});
await serveUntilSignal(app, { port: config.PORT, host: config.HOST, logger, onClose: platform.close });
