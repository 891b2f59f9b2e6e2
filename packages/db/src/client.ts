import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export interface DatabaseOptions {
  url: string;
  /** Connections in this process's pool. */
  maxConnections?: number;
  /** Seconds to wait for a connection before failing the request instead of hanging. */
  connectTimeoutSeconds?: number;
  /** Given only while tracing is on: without it the client is postgres.js itself, untouched. */
  tracer?: DatabaseTracer;
}

/**
 * What tracing sees of the database: a statement's leading text when it is sent (never its
 * parameters: they hold personnummer and health data) and each transaction as a whole.
 * Implemented on OpenTelemetry in @samsyn/http, so this package does not depend on it.
 */
export interface DatabaseTracer {
  /** A statement is being sent: returns what to call when it settles, or undefined to leave it untraced. */
  statement(text: string): ((error?: unknown) => void) | undefined;
  /** Runs one transaction, begin to commit or rollback. */
  transaction<T>(run: () => Promise<T>): Promise<T>;
}

export function createDatabase(options: DatabaseOptions) {
  const sql = postgres(options.url, {
    max: options.maxConnections ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    onnotice: () => {},
  });
  // Drizzle and the hot paths that use postgres.js directly (`sqlClientOf`) both reach the database
  // through `db.$client`, so tracing that one client covers every statement; `sql` stays bare for
  // the readiness probe and for closing.
  const db = drizzle(options.tracer ? tracedClient(sql, options.tracer) : sql, { schema });
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

/**
 * The parts of a postgres.js 3.4 `Query` that tracing hooks: all instance properties. `handler` is
 * called once, when the query is actually sent (a fragment embedded in another query never is), in
 * the async context of whoever awaited it; `resolve` or `reject` is called once when it settles.
 */
interface SentQuery {
  strings: ArrayLike<string>;
  handler: (query: SentQuery) => unknown;
  resolve: (value: unknown) => unknown;
  reject: (error: unknown) => unknown;
}

function isSentQuery(value: unknown): value is SentQuery {
  if (!(value instanceof Promise)) return false;
  const query = value as Partial<Record<keyof SentQuery, unknown>>;
  return (
    typeof query.handler === 'function' &&
    typeof query.resolve === 'function' &&
    typeof query.reject === 'function' &&
    query.strings !== undefined
  );
}

function traceQuery(query: SentQuery, tracer: DatabaseTracer): void {
  const send = query.handler;
  query.handler = (sent) => {
    const settled = tracer.statement(String(sent.strings[0] ?? ''));
    if (settled) {
      const { resolve, reject } = sent;
      sent.resolve = (value) => {
        settled();
        return resolve(value);
      };
      sent.reject = (error) => {
        settled(error);
        return reject(error);
      };
    }
    return send(sent);
  };
}

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * The client with every statement and transaction reported to `tracer`, behaving otherwise exactly
 * as the client does: the same query objects come back, only their send and settle hooks are
 * wrapped. Covers tagged templates, `unsafe` (what drizzle uses), `begin` and `savepoint`, and the
 * transaction clients they hand out; not `reserve`, `listen` or `file`, nor `cursor` (it replaces the
 * settle hooks, so its span is never exported), none of which Samsyn uses.
 */
function tracedClient<T extends object>(client: T, tracer: DatabaseTracer): T {
  const call = (name: string, args: unknown[]): unknown =>
    (Reflect.get(client, name) as AnyFunction).apply(client, args);
  // The last argument of begin and savepoint is the callback that receives the transaction's client.
  const withTracedScope = (args: unknown[]): unknown[] => {
    const last = args.length - 1;
    const scope = args[last];
    if (typeof scope !== 'function') return args;
    return [...args.slice(0, last), (tx: object) => (scope as AnyFunction)(tracedClient(tx, tracer))];
  };
  const wrappers: Record<string, AnyFunction> = {
    unsafe: (...args) => {
      const query = call('unsafe', args);
      if (isSentQuery(query)) traceQuery(query, tracer);
      return query;
    },
    begin: (...args) => tracer.transaction(async () => call('begin', withTracedScope(args))),
    savepoint: (...args) => call('savepoint', withTracedScope(args)),
  };
  return new Proxy(client, {
    apply(target, thisArg, args) {
      const result: unknown = Reflect.apply(target as AnyFunction, thisArg, args);
      // Tagged templates make queries; sql(value) makes helpers that are not.
      if (isSentQuery(result)) traceQuery(result, tracer);
      return result;
    },
    get(target, key, receiver) {
      if (
        typeof key === 'string' &&
        Object.hasOwn(wrappers, key) &&
        typeof Reflect.get(target, key) === 'function'
      )
        return wrappers[key];
      return Reflect.get(target, key, receiver);
    },
  });
}
