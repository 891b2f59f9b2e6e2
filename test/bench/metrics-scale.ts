/**
 * `pnpm bench:metrics`: the full target-group report for BENCH_PERSONS people (default 1,000,000) with
 * ten events each, against a plain GROUP BY scan of the same events table measured in the same run
 * (test/bench/scenarios/snapshot.ts). Builds its own database on TEST_DATABASE_URL's server and drops
 * it afterwards unless BENCH_KEEP is set. Prints times and the ratio.
 */
import { cpus, totalmem } from 'node:os';
import { buildSnapshotDataset, closeSnapshotConnections, measureSnapshot } from './scenarios/snapshot';

const persons = Number(process.env.BENCH_PERSONS ?? 1_000_000);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const say = (message: string) => process.stdout.write(`${message}\n`);
const seconds = (ms: number) => (ms / 1000).toFixed(2);

say(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`);
say(`building ${persons.toLocaleString('en')} persons and ${(persons * 10).toLocaleString('en')} events…`);
const dataset = await buildSnapshotDataset({ persons, say });
try {
  say(`built in ${dataset.buildSeconds.toFixed(1)} s`);
  const result = await measureSnapshot(dataset, { repeats, say });
  say(`target group: ${result.groupSize.toLocaleString('en')} people`);
  say(
    `baseline  GROUP BY scan of status_events: median ${seconds(result.scanMs)} s  (runs: ${result.scans.map(seconds).join(', ')})`,
  );
  say(
    `target-group report (all tables, suppressed): median ${seconds(result.snapshotMs)} s  (runs: ${result.snapshots.map(seconds).join(', ')})`,
  );
  say(`ratio snapshot / scan: ${result.ratio.toFixed(2)}`);
} catch (error) {
  process.stderr.write(
    `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
} finally {
  await closeSnapshotConnections(dataset);
  if (process.env.BENCH_KEEP) say(`kept database ${new URL(dataset.url).pathname.slice(1)}`);
  else await dataset.drop();
}
