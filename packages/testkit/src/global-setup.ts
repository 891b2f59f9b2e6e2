import { runMigrations } from '@samsyn/db';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { databaseUrlFor, testEnv } from './env';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated database that each test file clones. */
    templateDatabase: string;
    /** Prefix of every database this run creates, so teardown finds them all. */
    databasePrefix: string;
  }
}

const run = `${process.pid}_${Date.now().toString(36)}`;
const template = `samsyn_tpl_${run}`;
const prefix = `samsyn_t_${run}_`;

/**
 * Migrates one template database per test run; each test file then clones it (CREATE DATABASE …
 * TEMPLATE), which is much faster than migrating again and isolates files from each other.
 */
export async function setup(project: TestProject) {
  const admin = postgres(testEnv.adminDatabaseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${template}`);
  } finally {
    await admin.end();
  }
  await runMigrations(databaseUrlFor(template));
  project.provide('templateDatabase', template);
  project.provide('databasePrefix', prefix);
}

export async function teardown() {
  const admin = postgres(testEnv.adminDatabaseUrl, { max: 1, onnotice: () => {} });
  try {
    const created = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like ${`${prefix}%`} or datname = ${template}`;
    for (const { datname } of created) await admin.unsafe(`drop database if exists ${datname} with (force)`);
  } finally {
    await admin.end();
  }
}
