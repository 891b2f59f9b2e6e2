import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@samsyn/testkit';

export { freePort };

export const root = fileURLToPath(new URL('../..', import.meta.url));

export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer().listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
    probe.on('error', () => resolve(true));
  });
}

/**
 * A data folder and ports for README's first command, as a new machine would run it: no
 * DATABASE_URL, so the embedded PostgreSQL starts; `output` collects what every process printed.
 */
export async function productInstallation() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'samsyn-start-'));
  // As root, PostgreSQL runs as a `postgres` user that must reach its data folder.
  await chmod(dataDir, 0o755);
  const installation = {
    dataDir,
    port: await freePort(),
    pgPort: await freePort(),
    output: '',
    get url() {
      return `http://localhost:${installation.port}`;
    },
    /** With `localRedisPort`, nothing answers there, so start must run its own redis-server. */
    start(localRedisPort?: number): ChildProcess {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(installation.port),
        EMBEDDED_PG_PORT: String(installation.pgPort),
        DISPATCHER_PORT: '0',
        // Installations sharing one Redis must not share queues: a dispatcher takes any job it sees.
        REDIS_PREFIX: `samsyn-e2e:${installation.pgPort}:`,
        ...(localRedisPort ? { LOCAL_REDIS_PORT: String(localRedisPort) } : {}),
      };
      delete env.DATABASE_URL;
      delete env.REDIS_URL;
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'infra/dev/start.ts')], {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const collect = (chunk: Buffer) => {
        installation.output += String(chunk);
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      return child;
    },
    async waitReady(timeoutMs: number): Promise<number> {
      const started = Date.now();
      while (Date.now() - started < timeoutMs) {
        const ok = await fetch(`${installation.url}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return Date.now() - started;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`not ready within ${timeoutMs} ms:\n${installation.output}`);
    },
    /** The environment for the dev tools (`pnpm token`, `pnpm demo`) pointed at this installation. */
    toolEnv(): NodeJS.ProcessEnv {
      return { ...process.env, SAMSYN_URL: installation.url, KEYS_DIR: path.join(dataDir, 'keys') };
    },
    remove: () => rm(dataDir, { recursive: true, force: true }),
  };
  return installation;
}

export function stopProcess(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}
