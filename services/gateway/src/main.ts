import {
  configOrExit,
  connectPlatform,
  createLogger,
  personVaultFrom,
  publicUrlOf,
  readSigningKeyFile,
  serveUntilSignal,
} from '@samsyn/http';
import { createApp } from './app';
import { gatewayConfigSchema } from './config';

const config = configOrExit('gateway', gatewayConfigSchema, process.env);
const logger = createLogger({ name: 'gateway', level: config.LOG_LEVEL });
const signingKey = await readSigningKeyFile(config.GATEWAY_SIGNING_KEY_FILE);
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
  persons: personVaultFrom(config),
  accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  bodyLimitBytes: config.BODY_LIMIT_BYTES,
  suppressionThreshold: config.METRICS_SUPPRESSION_THRESHOLD,
  benchRoutes: config.BENCH_ROUTES,
  webhookPolicy: {
    allowHttp: config.WEBHOOK_ALLOW_HTTP,
    allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
  },
});
await serveUntilSignal(app, {
  port: config.PORT,
  host: config.HOST,
  logger,
  onClose: platform.close,
  graceMs: config.SHUTDOWN_GRACE_MS,
});
