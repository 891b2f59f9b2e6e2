import { createDatabase, pingDatabase } from '@samsyn/db';
import { configOrExit, createHost, createLogger, pingRedis, serveUntilSignal } from '@samsyn/http';
import { createWorkerConnection, evictionPolicy } from '@samsyn/queue';
import { createApp, serviceDescription, serviceName } from './app';
import { startAuditSequencer } from './audit-sequencer';
import { dispatcherConfigSchema } from './config';

const config = configOrExit('dispatcher', dispatcherConfigSchema, process.env);
const logger = createLogger({ name: 'dispatcher', level: config.LOG_LEVEL });
const database = createDatabase({ url: config.DATABASE_URL, maxConnections: 4 });
const redis = createWorkerConnection(config.REDIS_URL);
redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));

const policy = await evictionPolicy(redis).catch(() => 'unknown');
if (policy !== 'noeviction') {
  logger.warn({ policy }, 'Redis maxmemory-policy should be noeviction, or queued jobs can be evicted');
}

const sequencer = startAuditSequencer({
  db: database.db,
  logger,
  intervalMs: config.AUDIT_SEQUENCE_INTERVAL_MS,
});

const app = createHost(
  {
    name: serviceName,
    version: '0.1.0',
    description: serviceDescription,
    logger,
    bodyLimitBytes: 64 * 1024,
    readiness: { postgres: () => pingDatabase(database.sql), redis: () => pingRedis(redis) },
  },
  (host) => host.route('/', createApp({ db: database.db, logger })),
);

await serveUntilSignal(app, {
  port: config.DISPATCHER_PORT,
  host: config.HOST,
  logger,
  onClose: async () => {
    await sequencer.stop();
    await redis.quit().catch(() => redis.disconnect());
    await database.close();
  },
});
