import {
  configOrExit,
  connectPlatform,
  createLogger,
  gatewayVerificationKeys,
  personVaultFrom,
  publicUrlOf,
  readSigningKeyFile,
  serveUntilSignal,
  startTracing,
} from '@samsyn/http';
import { createApp } from './app';
import { gatewayConfigSchema } from './config';

const config = configOrExit('gateway', gatewayConfigSchema, process.env);
await startTracing(config, { name: 'samsyn-gateway', version: '0.1.0' });
const logger = createLogger({ name: 'gateway', level: config.LOG_LEVEL });
const signingKey = await readSigningKeyFile(config.GATEWAY_SIGNING_KEY_FILE);
const verificationKeys = await gatewayVerificationKeys(signingKey.publicJwk, config.GATEWAY_JWKS_FILE);
const platform = await connectPlatform(config, logger, verificationKeys);
const app = createApp({
  db: platform.database.db,
  logger,
  replay: platform.replay,
  auth: platform.auth,
  readiness: platform.readiness,
  signingKey,
  verificationKeys: verificationKeys.keys,
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
