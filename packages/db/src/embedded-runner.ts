/**
 * Runs the embedded PostgreSQL in a process of its own, so the start script decides when it stops:
 * after the services that use it have drained. Reports its URL over IPC; stops on SIGTERM or when
 * the parent goes away.
 */
import { startEmbeddedPostgres } from './embedded';

const [dataDir = '.data/pg', port = '54329', database = 'samsyn'] = process.argv.slice(2);

const running = await startEmbeddedPostgres({
  dataDir,
  port: Number(port),
  database,
  log: (line) => {
    if (/FATAL|PANIC|ERROR/.test(line)) process.stderr.write(`embedded-postgres: ${line}\n`);
  },
});
process.send?.({ url: running.url });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await running.stop();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('disconnect', stop);
