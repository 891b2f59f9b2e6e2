/**
 * PostgreSQL's own durable insert rate on the product's server, the ceiling an audited request is
 * compared against: pgbench with 16 clients, each transaction one INSERT of 1 or 50 rows shaped like an
 * access-log entry, committed with the server's normal (synchronous) settings.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { LoadResult } from './load';

const run = promisify(execFile);

const table = `create table if not exists bench_inserts (
  id uuid primary key default gen_random_uuid(),
  at timestamptz not null default now(),
  action text not null,
  party_id text not null,
  person_key text not null,
  details jsonb not null
)`;

const row = `'status.read', 'kommun:0180', md5(random()::text), '{"categories":["assistance","care"]}'::jsonb`;

function script(rows: number): string {
  return rows === 1
    ? `insert into bench_inserts (action, party_id, person_key, details) values (${row});\n`
    : `insert into bench_inserts (action, party_id, person_key, details) select ${row} from generate_series(1, ${rows});\n`;
}

export async function measurePgbench(
  databaseUrl: string,
  options: { rowsPerStatement: number; seconds: number; clients?: number },
): Promise<LoadResult> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const dir = await mkdtemp(path.join(tmpdir(), 'samsyn-pgbench-'));
  try {
    await sql.unsafe(table);
    const file = path.join(dir, 'insert.sql');
    await writeFile(file, script(options.rowsPerStatement));
    const clients = options.clients ?? 16;
    const { stdout } = await run('pgbench', [
      '--no-vacuum',
      `--client=${clients}`,
      '--jobs=2',
      `--time=${options.seconds}`,
      `--file=${file}`,
      databaseUrl,
    ]);
    const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
    const transactions = /number of transactions actually processed: (\d+)/.exec(stdout)?.[1];
    const failed = /number of failed transactions: (\d+)/.exec(stdout)?.[1];
    if (!tps) throw new Error(`pgbench printed no tps:\n${stdout}`);
    await sql.unsafe('truncate bench_inserts');
    return {
      rate: Number(tps),
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
      ok: Number(transactions ?? 0),
      failed: Number(failed ?? 0),
      seconds: options.seconds,
    };
  } finally {
    await sql.end();
    await rm(dir, { recursive: true, force: true });
  }
}
