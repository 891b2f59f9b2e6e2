/** Where tests find the machine's real services; override for another machine. */
export const testEnv = {
  /** An account that may create databases. */
  adminDatabaseUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};

export function databaseUrlFor(database: string): string {
  const url = new URL(testEnv.adminDatabaseUrl);
  url.pathname = `/${database}`;
  return url.href;
}
