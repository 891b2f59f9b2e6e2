import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, databaseUrlFor, type TestDatabase, testEnv } from '@samsyn/testkit';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundles, runtimePackages } from '../../infra/build';
import { queueBoardPath } from '../../services/dispatcher/src/board';
import { root } from './support';

/**
 * The container image's /app, without a container engine: `infra/build.ts --runtime` assembles it in a
 * temporary directory outside the repository, so nothing can resolve from the workspace's
 * node_modules, and each process runs from there through the entrypoint, as the image runs it.
 */
let dir = '';
let tree = '';
let keys = '';
let database: TestDatabase;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'samsyn-runtime-'));
  tree = path.join(dir, 'app');
  keys = path.join(dir, 'keys');
  const tsx = (script: string, ...args: string[]) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`${script} failed:\n${result.stderr}`);
  };
  tsx('infra/build.ts', '--runtime', tree);
  tsx('infra/container/generate-keys.ts', keys);
  database = await createTestDatabase();
}, 180_000);

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await database?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const entrypoint = () => path.join(tree, 'infra/container/entrypoint.sh');

function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: database.url,
    REDIS_URL: testEnv.redisUrl,
    REDIS_PREFIX: `samsyn-runtime-${randomBytes(4).toString('hex')}:`,
    PUBLIC_URL: 'http://samsyn.test',
    GATEWAY_SIGNING_KEY_FILE: path.join(keys, 'gateway.private.jwk.json'),
    GATEWAY_JWKS_FILE: path.join(keys, 'gateway.jwks.json'),
    PERSON_KEY_SECRET_FILE: path.join(keys, 'person-key.secret'),
    PERSON_ENCRYPTION_KEY_FILE: path.join(keys, 'person-encryption.key'),
    LOG_LEVEL: 'warn',
  };
}

/** Starts a process of the tree on a free port and resolves with its origin once it listens. */
function start(
  command: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn('sh', [entrypoint(), command], { cwd: dir, env: { ...env, LOG_LEVEL: 'info' } });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(
      () => reject(new Error(`${command} did not listen:\n${stdout}${stderr}`)),
      20_000,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /"port":(\d+)[^\n]*"msg":"listening"/.exec(stdout)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve({ child, origin: `http://127.0.0.1:${port}` });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code}:\n${stdout}${stderr}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('the runtime tree', () => {
  it('holds every bundle, the migrations, the external packages and an executable entrypoint', () => {
    for (const b of bundles) expect(existsSync(path.join(tree, b.outfile)), b.outfile).toBe(true);
    expect(existsSync(path.join(tree, 'packages/db/migrations/meta/_journal.json'))).toBe(true);
    for (const p of runtimePackages) {
      const dirOf = path.join(tree, 'node_modules', p.name);
      expect(existsSync(path.join(dirOf, 'package.json')), p.name).toBe(true);
      const files = readdirSync(dirOf, { recursive: true }).map(String);
      expect(files.filter((f) => f.split(path.sep).includes('node_modules') || f.endsWith('.map'))).toEqual(
        [],
      );
    }
    expect(statSync(entrypoint()).mode & 0o111).not.toBe(0);
  });

  it('migrates an empty database, again without change, and refuses to run without DATABASE_URL', async () => {
    const name = `samsyn_runtime_migrate_${randomBytes(4).toString('hex')}`;
    const admin = postgres(testEnv.adminDatabaseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = databaseUrlFor(name);
    const migrate = (env: Record<string, string>) =>
      spawnSync('sh', [entrypoint(), 'migrate'], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', ...env },
      });
    try {
      for (let run = 0; run < 2; run++) {
        const result = migrate({ DATABASE_URL: url });
        expect(result.status, result.stdout + result.stderr).toBe(0);
      }
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const [applied] = await sql<{ count: number }[]>`
          select count(*)::int as count from drizzle.__drizzle_migrations`;
        const journal = JSON.parse(
          readFileSync(path.join(root, 'packages/db/migrations/meta/_journal.json'), 'utf8'),
        );
        expect(applied?.count).toBe(journal.entries.length);
      } finally {
        await sql.end();
      }
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }

    const unset = migrate({});
    expect(unset.status).toBe(1);
    expect(unset.stderr).toContain('DATABASE_URL');
  }, 60_000);

  it.each(['gateway', 'exchange', 'consent', 'sip', 'consultation', 'metrics', 'signals'])(
    'runs the %s: ready, serves the docs script from the external package, stops cleanly on SIGTERM',
    async (command) => {
      const { child, origin } = await start(command, baseEnv());
      const ready = await fetch(`${origin}/readyz`);
      expect(ready.status).toBe(200);
      const script = await fetch(`${origin}/docs/scalar.js`);
      expect(script.status).toBe(200);
      expect((await script.text()).length).toBeGreaterThan(100_000);
      if (command === 'gateway') {
        const jwks = (await (await fetch(`${origin}/.well-known/jwks.json`)).json()) as {
          keys: Array<{ kid: string }>;
        };
        const published = JSON.parse(readFileSync(path.join(keys, 'gateway.jwks.json'), 'utf8'));
        expect(jwks.keys[0]?.kid).toBe(published.keys[0].kid);
      }
      expect(await stop(child)).toBe(0);
    },
    60_000,
  );

  it('runs the dispatcher: ready, its queue board rendered from the external package, stops cleanly', async () => {
    const password = randomBytes(16).toString('hex');
    const env = {
      ...baseEnv(),
      DISPATCHER_PORT: '0',
      OPERATOR_USER: 'operator',
      OPERATOR_PASSWORD: password,
    };
    const { child, origin } = await start('dispatcher', env);
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);
    const board = await fetch(`${origin}${queueBoardPath}`, {
      headers: { authorization: `Basic ${Buffer.from(`operator:${password}`).toString('base64')}` },
    });
    expect(board.status).toBe(200);
    expect(await board.text()).toContain('<html');
    expect(await stop(child)).toBe(0);
  }, 60_000);
});
