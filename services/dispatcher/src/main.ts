import { createDatabase, pingDatabase } from '@samsyn/db';
import {
  configOrExit,
  createLogger,
  databaseTracer,
  pingRedis,
  publicUrlOf,
  readSigningKeyFile,
  serveUntilSignal,
  startTracing,
} from '@samsyn/http';
import { evictionPolicy } from '@samsyn/queue';
import { Redis } from 'ioredis';
import { serviceName } from './app';
import { dispatcherConfigSchema } from './config';
import { startDispatcher } from './dispatcher';
import { createDispatcherHost } from './host';

const config = configOrExit('dispatcher', dispatcherConfigSchema, process.env);
const tracing = await startTracing(config, { name: serviceName, version: '0.1.0' });
const logger = createLogger({ name: 'dispatcher', level: config.LOG_LEVEL });
const database = createDatabase({
  url: config.DATABASE_URL,
  maxConnections: config.DB_POOL_MAX,
  tracer: databaseTracer(),
});
const probe = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: true });
probe.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));

// BullMQ loses jobs if Redis evicts keys under memory pressure: refuse to run on such a Redis.
const policy = await evictionPolicy(probe).catch(() => 'unknown');
if (policy !== 'noeviction' && policy !== 'unknown') {
  process.stderr.write(
    `dispatcher: Redis runs with maxmemory-policy ${policy}; BullMQ needs noeviction ` +
      '(redis-cli config set maxmemory-policy noeviction, and set it in redis.conf)\n',
  );
  process.exit(1);
}

const dispatcher = startDispatcher({
  db: database.db,
  logger,
  redisUrl: config.REDIS_URL,
  redisPrefix: config.REDIS_PREFIX,
  policy: {
    allowHttp: config.WEBHOOK_ALLOW_HTTP,
    allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    maxResponseBytes: 64 * 1024,
  },
  maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
  backoffBaseMs: config.WEBHOOK_BACKOFF_BASE_MS,
  backoffMaxMs: config.WEBHOOK_BACKOFF_MAX_MS,
  concurrency: config.WEBHOOK_CONCURRENCY,
  lockDurationMs: config.WEBHOOK_LOCK_DURATION_MS,
  relayIntervalMs: config.RELAY_INTERVAL_MS,
  requeueAfterMs: config.REQUEUE_AFTER_MS,
  auditSequenceIntervalMs: config.AUDIT_SEQUENCE_INTERVAL_MS,
  signer: {
    signingKey: await readSigningKeyFile(config.GATEWAY_SIGNING_KEY_FILE),
    issuer: publicUrlOf(config),
  },
  tracing,
  signals: {
    changeIntervalMs: config.SIGNAL_CHANGE_INTERVAL_MS,
    sweepIntervalMs: config.SIGNAL_SWEEP_INTERVAL_MS,
  },
});

const app = createDispatcherHost({
  db: database.db,
  logger,
  readiness: { postgres: () => pingDatabase(database.sql), redis: () => pingRedis(probe) },
  queues: [dispatcher.queue, ...(dispatcher.signals ? [dispatcher.signals.queue] : [])],
  ...(config.OPERATOR_PASSWORD
    ? { board: { user: config.OPERATOR_USER, password: config.OPERATOR_PASSWORD } }
    : {}),
});

await serveUntilSignal(app, {
  port: config.DISPATCHER_PORT,
  host: config.HOST,
  logger,
  onClose: async () => {
    await dispatcher.stop();
    probe.disconnect();
    await database.close();
  },
});
