import { randomBytes } from 'node:crypto';
import { createDatabase, type Database } from '@samsyn/db';
import postgres from 'postgres';
import { inject } from 'vitest';
import { databaseUrlFor, testEnv } from './env';

export interface TestDatabase extends Database {
  url: string;
  name: string;
}

/** A fresh, migrated database of this test file's own, on the machine's real PostgreSQL. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${inject('databasePrefix')}${randomBytes(4).toString('hex')}`;
  const admin = postgres(testEnv.adminDatabaseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${inject('templateDatabase')}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrlFor(name);
  return { ...createDatabase({ url, maxConnections: 5 }), url, name };
}
