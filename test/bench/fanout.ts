/**
 * `pnpm bench:fanout`: the invitation fan-out scenario alone (about three minutes), printed as the
 * result table against the product owner's targets. Needs PostgreSQL and Redis as for the tests.
 */

import { machineLine, resultTable } from './lib/report';
import { measureFanout } from './scenarios/fanout';

const say = (line: string) => process.stdout.write(`${line}\n`);
say(`machine: ${machineLine()}`);
const started = performance.now();
const rows = await measureFanout({ say });
say(`\n${resultTable(rows)}\n`);
say(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
process.exit(0);
