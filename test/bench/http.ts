/** `pnpm bench:http`: the API scenarios alone (a quicker loop while working on request handling). */

import { machineLine, resultTable } from './lib/report';
import { measureHttp, prepareHttpBench } from './scenarios/http';

const say = (line: string) => process.stdout.write(`${line}\n`);
say(`machine: ${machineLine()}`);
const bench = await prepareHttpBench({ persons: Number(process.env.BENCH_HTTP_PERSONS ?? 2000), say });
try {
  const { rows } = await measureHttp(bench, {
    rounds: Number(process.env.BENCH_ROUNDS ?? 3),
    seconds: Number(process.env.BENCH_SECONDS ?? 8),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
    say,
  });
  say(resultTable(rows));
} finally {
  await bench.product.stop();
}
