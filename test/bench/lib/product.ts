/**
 * The product as it runs in production, for load: the gateway and the dispatcher as their own Node
 * processes, on a fresh database of the machine's PostgreSQL and a Redis prefix of their own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSigningJwk, issueAccessToken, loadSigningKey, toPublicJwk } from '@samsyn/auth';
import { createDatabase, type Db, parties, runMigrations } from '@samsyn/db';
import { type PartyKind, partyKindOf, type Scope, scopesByPartyKind } from '@samsyn/domain';
import postgres from 'postgres';
import { databaseUrlFor, testEnv } from '../../../packages/testkit/src/env';
import { freePort } from '../../../packages/testkit/src/processes';
import { testPersonSecrets } from '../../../packages/testkit/src/vault';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export interface BenchDatabase {
  url: string;
  name: string;
  drop: () => Promise<void>;
}

/** A fresh, migrated database on the machine's PostgreSQL; `BENCH_KEEP=1` keeps it for inspection. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `samsyn_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(testEnv.adminDatabaseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrlFor(name);
  await runMigrations(url);
  return {
    url,
    name,
    drop: async () => {
      if (process.env.BENCH_KEEP) return;
      const dropper = postgres(testEnv.adminDatabaseUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

export interface ProductProcess {
  pid: number;
  child: ChildProcess;
}

export interface RunningProduct {
  url: string;
  database: BenchDatabase;
  sql: postgres.Sql;
  /** Drizzle on the product's database, for setting up data the load then reads. */
  db: Db;
  redisPrefix: string;
  gateway: ProductProcess;
  dispatcher: ProductProcess | undefined;
  /** Registers an active party in the registry (kommun ids must be unique per run). */
  registerParty: (id: string, options?: { webhookUrl?: string }) => Promise<void>;
  /** An access token for an officer of the party, as the token endpoint would issue it. */
  tokenFor: (partyId: string, scopes?: readonly Scope[]) => Promise<string>;
  stop: () => Promise<void>;
}

export interface ProductOptions {
  /** Start the dispatcher too (outbox relay, webhook delivery, audit sequencing). */
  dispatcher?: boolean;
  /** Extra environment for both processes (pool sizes, log level). */
  env?: Record<string, string>;
  say: (line: string) => void;
}

/**
 * The built bundle, as production runs it (`pnpm build`, which `pnpm bench` runs first);
 * BENCH_FROM_SOURCE=1 runs the TypeScript through tsx instead, while iterating on a change.
 */
function entryOf(service: 'gateway' | 'dispatcher'): string {
  if (process.env.BENCH_FROM_SOURCE) return `services/${service}/src/main.ts`;
  const built = `services/${service}/dist/main.mjs`;
  if (!existsSync(path.join(root, built))) throw new Error(`${built} is missing: run pnpm build first`);
  return built;
}

function startProcess(entry: string, env: NodeJS.ProcessEnv, logFile: string): ProductProcess {
  const log = createWriteStream(logFile);
  // BENCH_PROFILE=1 leaves a V8 CPU profile of each process beside its log, for finding where time goes.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.dirname(logFile)}`] : [];
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...profile, ...loader, path.join(root, entry)], {
    env,
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (child.pid === undefined) throw new Error(`could not start ${entry}`);
  return { pid: child.pid, child };
}

function stopProcess(process: ProductProcess | undefined, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve) => {
    const child = process?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`the gateway exited; see ${logFile}`);
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the gateway did not become ready; see ${logFile}`);
}

/**
 * Starts the gateway (and the dispatcher when asked) with production settings, apart from what a
 * benchmark on one machine needs: a rate limit no load script reaches, and webhooks to local receivers.
 */
export async function startProduct(options: ProductOptions): Promise<RunningProduct> {
  const database = await createBenchDatabase();
  const workDir = await mkdtemp(path.join(tmpdir(), 'samsyn-bench-'));
  const gatewayJwk = await generateSigningJwk();
  const signingKey = await loadSigningKey(gatewayJwk);
  const keyFile = path.join(workDir, 'gateway.private.jwk.json');
  const jwksFile = path.join(workDir, 'gateway.jwks.json');
  await writeFile(keyFile, JSON.stringify(gatewayJwk), { mode: 0o600 });
  await writeFile(jwksFile, JSON.stringify({ keys: [toPublicJwk(gatewayJwk)] }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const redisPrefix = `samsyn-bench:${randomUUID()}:`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    REDIS_URL: testEnv.redisUrl,
    REDIS_PREFIX: redisPrefix,
    PORT: String(port),
    PUBLIC_URL: url,
    GATEWAY_SIGNING_KEY_FILE: keyFile,
    GATEWAY_JWKS_FILE: jwksFile,
    PERSON_KEY_SECRET: testPersonSecrets.hmacSecret,
    PERSON_ENCRYPTION_KEY: testPersonSecrets.encryptionKey,
    RATE_LIMIT_PER_MINUTE: '10000000',
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    ...options.env,
  };
  const admin = createDatabase({ url: database.url, maxConnections: 4 });
  const gatewayLog = path.join(workDir, 'gateway.log');
  const gateway = startProcess(entryOf('gateway'), env, gatewayLog);
  const dispatcher = options.dispatcher
    ? startProcess(entryOf('dispatcher'), env, path.join(workDir, 'dispatcher.log'))
    : undefined;
  await waitReady(url, gateway.child, gatewayLog);
  options.say(`product up at ${url} (logs in ${workDir})`);

  return {
    url,
    database,
    sql: admin.sql,
    db: admin.db,
    redisPrefix,
    gateway,
    dispatcher,
    registerParty: async (id, partyOptions = {}) => {
      const kind = partyKindOf(id);
      if (!kind) throw new Error(`not a party id: ${id}`);
      const partyJwk = await generateSigningJwk('ES256');
      await admin.db
        .insert(parties)
        .values({
          id,
          kind,
          displayName: `Bench ${id}`,
          jwks: { keys: [toPublicJwk(partyJwk) as Record<string, unknown>] },
          ...(partyOptions.webhookUrl ? { webhookUrl: partyOptions.webhookUrl } : {}),
        })
        .onConflictDoNothing();
    },
    tokenFor: async (partyId, scopes) => {
      const partyKind = partyKindOf(partyId) as PartyKind;
      const issued = await issueAccessToken(
        { issuer: url, signingKey, lifetimeSeconds: 3600 },
        {
          kind: 'agency',
          partyId,
          partyKind,
          officerId: `bench-officer-${partyKind}`,
          scopes: [...(scopes ?? scopesByPartyKind[partyKind])],
        },
      );
      return issued.token;
    },
    stop: async () => {
      await Promise.all([stopProcess(gateway), stopProcess(dispatcher)]);
      await admin.close();
      await database.drop();
      if (!process.env.BENCH_KEEP) await rm(workDir, { recursive: true, force: true });
    },
  };
}
