import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export interface DatabaseOptions {
  url: string;
  /** Connections in this process's pool. */
  maxConnections?: number;
  /** Seconds to wait for a connection before failing the request instead of hanging. */
  connectTimeoutSeconds?: number;
}

export function createDatabase(options: DatabaseOptions) {
  const sql = postgres(options.url, {
    max: options.maxConnections ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    onnotice: () => {},
  });
  const db = drizzle(sql, { schema });
  return {
    db,
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}

export type Database = ReturnType<typeof createDatabase>;
export type Db = Database['db'];
/** A transaction handle: queries take `Db | Tx` first so the same function runs inside or outside one. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/** Cheap liveness probe for /readyz; bounded so a hung server cannot hang the probe. */
export async function pingDatabase(sql: Database['sql'], timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([sql`select 1`.then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** PostgreSQL error codes that mean "the server is going away or not there": class 57P and 08. */
const unavailableCodes = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
/** postgres.js's own codes for a connection it could not make or lost. */
const driverCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'EPIPE',
  'ETIMEDOUT',
]);

/**
 * Whether an error (or its cause, as drizzle wraps driver errors) means the database is unreachable
 * rather than that the query was wrong: the caller should get 503 and retry, not a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (unavailableCodes.has(code) || driverCodes.has(code))) return true;
    current = current.cause;
  }
  return false;
}
