/**
 * `pnpm bench`: every scenario of the performance issue in one run, each against its baseline measured
 * in the same run, then the table of ratios against the targets. The table also replaces the latest-run
 * section of test/bench/RESULTS.md (BENCH_WRITE_RESULTS=0 leaves the file alone).
 *
 * Order: the API scenarios on one product instance; the target-group snapshot on a data set of
 * BENCH_PERSONS people (default 1,000,000) on the same PostgreSQL server; status queries with and
 * without a snapshot running; then the invitation fan-out on a product instance of its own.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { alternate, type LoadResult, median, runLoad } from './lib/load';
import { type Measurement, machineLine, resultTable } from './lib/report';
import { measureFanout } from './scenarios/fanout';
import { type HttpBench, measureHttp, prepareHttpBench, statusQueryRequest } from './scenarios/http';
import {
  buildSnapshotDataset,
  closeSnapshotConnections,
  measureSnapshot,
  runSnapshotOnce,
  type SnapshotDataset,
} from './scenarios/snapshot';

const settings = {
  persons: Number(process.env.BENCH_PERSONS ?? 1_000_000),
  httpPersons: Number(process.env.BENCH_HTTP_PERSONS ?? 2000),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  seconds: Number(process.env.BENCH_SECONDS ?? 6),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  writeResults: process.env.BENCH_WRITE_RESULTS !== '0',
};
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const say = (line: string) => process.stdout.write(`[${elapsed()}] ${line}\n`);
const resultsFile = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

/**
 * Status queries alone and while target-group snapshots run back to back on the same server: what a
 * förbund pulling its figures costs the agencies reading at the same time.
 */
async function measureReadsDuringSnapshot(
  bench: HttpBench,
  dataset: SnapshotDataset,
  seconds: number,
): Promise<Measurement> {
  const reads = () =>
    runLoad({
      url: bench.product.url,
      request: statusQueryRequest(bench),
      seconds,
      connections: settings.connections,
    });
  let snapshots = 0;
  const withSnapshots = async (): Promise<LoadResult> => {
    let running = true;
    const loop = (async () => {
      while (running) {
        await runSnapshotOnce(dataset);
        snapshots++;
      }
    })();
    try {
      return await reads();
    } finally {
      running = false;
      await loop;
    }
  };
  const runs = await alternate(2, { alone: reads, duringSnapshot: withSnapshots });
  const alone = median(runs.alone.map((run) => run.rate));
  const during = median(runs.duringSnapshot.map((run) => run.rate));
  return {
    scenario: 'reads during a snapshot job',
    measure: 'req/s ÷ without the job',
    value: during / alone,
    unit: '',
    better: 'higher',
    target: 0.6,
    stretch: 0.8,
    basis: `${Math.round(during)}/s ÷ ${Math.round(alone)}/s (${snapshots} snapshots ran meanwhile)`,
  };
}

async function writeResults(table: string) {
  const begin = '<!-- bench:latest:begin -->';
  const end = '<!-- bench:latest:end -->';
  const section = [
    begin,
    `Latest \`pnpm bench\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${machineLine()}; ` +
      `${settings.persons.toLocaleString('en')} people in the snapshot data set; ` +
      `${settings.rounds} alternating rounds of ${settings.seconds} s per HTTP workload, ` +
      `${settings.connections} connections; whole run ${elapsed()}.`,
    '',
    table,
    end,
  ].join('\n');
  const current = await readFile(resultsFile, 'utf8');
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${current.slice(0, from)}${section}${current.slice(to + end.length)}`
      : `${current.trimEnd()}\n\n## Latest run\n\n${section}\n`;
  await writeFile(resultsFile, next);
}

say(`machine: ${machineLine()}`);
const rows: Measurement[] = [];
const bench = await prepareHttpBench({ persons: settings.httpPersons, say });
let dataset: SnapshotDataset | undefined;
try {
  const http = await measureHttp(bench, { ...settings, say });
  rows.push(...http.rows);
  say(`building the snapshot data set of ${settings.persons.toLocaleString('en')} people`);
  dataset = await buildSnapshotDataset({ persons: settings.persons, say });
  const snapshot = await measureSnapshot(dataset, { repeats: 3, say });
  rows.push({
    scenario: `target-group snapshot, ${settings.persons.toLocaleString('en')} persons`,
    measure: 'seconds ÷ hand-written GROUP BY',
    value: snapshot.ratio,
    unit: '',
    better: 'lower',
    target: 1.5,
    stretch: 1.0,
    basis: `${(snapshot.snapshotMs / 1000).toFixed(2)} s ÷ ${(snapshot.scanMs / 1000).toFixed(2)} s (${snapshot.groupSize.toLocaleString('en')} in the group; built in ${dataset.buildSeconds.toFixed(0)} s)`,
  });
  rows.push(await measureReadsDuringSnapshot(bench, dataset, settings.seconds));
} finally {
  if (dataset) {
    await closeSnapshotConnections(dataset);
    await dataset.drop();
  }
  await bench.product.stop();
}
rows.push(...(await measureFanout({ say })));

const table = resultTable(rows);
process.stdout.write(`\n${table}\n\nwhole run: ${elapsed()}\n`);
if (settings.writeResults) await writeResults(table);
