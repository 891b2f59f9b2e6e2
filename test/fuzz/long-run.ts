import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `pnpm fuzz:long`: the contract fuzzer with 100,000 requests (or FUZZ_REQUESTS), through vitest so
 * its global setup migrates the template database the gateway's database is cloned from. Prints the
 * figures and the seed; FUZZ_SEED replays a run. Exits with vitest's status.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const requests = process.env.FUZZ_REQUESTS ?? '100000';
const seed =
  process.env.FUZZ_SEED && process.env.FUZZ_SEED !== 'random'
    ? process.env.FUZZ_SEED
    : String((Date.now() ^ (Math.random() * 2 ** 31)) | 0);
console.log(`fuzz:long — ${requests} requests, FUZZ_SEED=${seed}`);
const result = spawnSync('pnpm', ['exec', 'vitest', 'run', 'test/fuzz/contract.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_REQUESTS: requests, FUZZ_SEED: seed },
});
if (result.error) throw result.error;
console.log(`fuzz:long — done (exit ${result.status ?? 'signal'}); replay with FUZZ_SEED=${seed}`);
process.exit(result.status ?? 1);
