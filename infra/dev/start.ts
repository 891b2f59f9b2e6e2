/**
 * `pnpm start`: the whole product on one machine. In order: embedded PostgreSQL (unless DATABASE_URL is
 * set), Redis (REDIS_URL, or a local redis-server), migrations, dev keys and party registry, then the
 * gateway and the dispatcher as child processes. Ctrl-C or SIGTERM stops them in reverse order.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, runMigrations } from '@samsyn/db';
import { z } from 'zod';
import { ensurePrivateJwk, ensureSecret, publicJwks } from './keys';
import { redisAnswers, startLocalRedis } from './redis';
import { seedDevRegistry } from './registry';

const root = fileURLToPath(new URL('../..', import.meta.url));

const StartConfigSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  DATA_DIR: z.string().min(1).default(path.join(root, '.data')),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** Where the default Redis is looked for when REDIS_URL is unset, and where one is started if none answers. */
  LOCAL_REDIS_PORT: z.coerce.number().int().min(1).max(65535).default(6379),
});

function fail(message: string): never {
  process.stderr.write(`samsyn: ${message}\n`);
  process.exit(1);
}

function say(message: string) {
  process.stdout.write(`samsyn: ${message}\n`);
}

const parsed = StartConfigSchema.safeParse(process.env);
if (!parsed.success) {
  fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
}
const config = parsed.data;
const stops: Array<{ name: string; stop: () => Promise<void> }> = [];

async function startEmbeddedPostgres(): Promise<string> {
  say(`starting embedded PostgreSQL (data in ${path.relative(root, config.DATA_DIR) || '.'}/pg)`);
  const runner = fork(
    path.join(root, 'packages/db/src/embedded-runner.ts'),
    [path.join(config.DATA_DIR, 'pg'), String(config.EMBEDDED_PG_PORT), 'samsyn'],
    { detached: true, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  stops.push({ name: 'PostgreSQL', stop: () => stopChild(runner) });
  return new Promise((resolve, reject) => {
    runner.once('message', (message) => resolve((message as { url: string }).url));
    runner.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code}`)));
  });
}

async function ensureRedis(): Promise<string> {
  const url = config.REDIS_URL ?? `redis://127.0.0.1:${config.LOCAL_REDIS_PORT}`;
  if (await redisAnswers(url)) return url;
  if (config.REDIS_URL)
    fail(`nothing answers at REDIS_URL=${url}; start Redis there or point REDIS_URL at one`);
  const local = await startLocalRedis(config.DATA_DIR, config.LOCAL_REDIS_PORT);
  if (!local || !(await redisAnswers(url))) {
    fail(
      `Redis is required and none answers at ${url}: install it (apt-get install redis-server, ` +
        'brew install redis) so redis-server is on PATH, or set REDIS_URL',
    );
  }
  say(`started redis-server (data in ${path.relative(root, config.DATA_DIR)}/redis)`);
  stops.push({ name: 'Redis', stop: local.stop });
  return url;
}

function stopChild(child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

let shuttingDown = false;
async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  say('stopping');
  for (const { stop } of stops.reverse()) await stop().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

function startService(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], {
    env,
    stdio: 'inherit',
    cwd: root,
  });
  child.once('exit', (code, signal) => {
    if (!shuttingDown) {
      process.stderr.write(`samsyn: ${name} exited (${signal ?? code}); stopping the rest\n`);
      void shutdown(1);
    }
  });
  stops.push({ name, stop: () => stopChild(child) });
  return child;
}

try {
  const databaseUrl = config.DATABASE_URL ?? (await startEmbeddedPostgres());
  const redisUrl = await ensureRedis();
  say('applying migrations');
  await runMigrations(databaseUrl);

  const keysDir = path.join(config.DATA_DIR, 'keys');
  const gatewayKeyFile = path.join(keysDir, 'gateway.private.jwk.json');
  const gatewayJwksFile = path.join(keysDir, 'gateway.jwks.json');
  const gatewayKey = await ensurePrivateJwk(gatewayKeyFile);
  await writeFile(gatewayJwksFile, `${JSON.stringify(publicJwks(gatewayKey), null, 2)}\n`);
  const personKeySecret = await ensureSecret(path.join(keysDir, 'person-key.secret'));
  const personEncryptionKey = await ensureSecret(path.join(keysDir, 'person-encryption.key'));

  const database = createDatabase({ url: databaseUrl, maxConnections: 1 });
  const seeded = await seedDevRegistry(database.db, keysDir);
  await database.close();
  say(`dev party registry: ${seeded} parties, keys in ${path.relative(root, keysDir)}`);

  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    PORT: String(config.PORT),
    GATEWAY_SIGNING_KEY_FILE: gatewayKeyFile,
    GATEWAY_JWKS_FILE: gatewayJwksFile,
    PERSON_KEY_SECRET: process.env.PERSON_KEY_SECRET ?? personKeySecret,
    PERSON_ENCRYPTION_KEY: process.env.PERSON_ENCRYPTION_KEY ?? personEncryptionKey,
    // Development: webhook receivers run on this machine, over plain HTTP.
    WEBHOOK_ALLOW_HTTP: process.env.WEBHOOK_ALLOW_HTTP ?? 'true',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? 'true',
  };
  startService('gateway', 'services/gateway/src/main.ts', env);
  startService('dispatcher', 'services/dispatcher/src/main.ts', env);

  const base = `http://localhost:${config.PORT}`;
  for (let attempt = 0; attempt < 300 && !shuttingDown; attempt++) {
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) {
      say(`ready at ${base} — API docs ${base}/docs, OpenAPI ${base}/openapi.json`);
      say('get a token: pnpm -s token --party fk --sub t1 --scope whoami');
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
} catch (error) {
  process.stderr.write(`samsyn: start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(1);
}
