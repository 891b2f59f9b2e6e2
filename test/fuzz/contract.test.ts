import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  documentedProblemTypes,
  type FuzzFigures,
  formatFigures,
  fuzzGateway,
  loadContract,
  problemTypesInDocument,
} from './contract';

/**
 * Contract-driven fuzzing of every route in openapi/gateway.openapi.json against the real gateway,
 * PostgreSQL and Redis. FUZZ_REQUESTS (default 10,000) requests; FUZZ_SEED replays a run.
 */
const requests = Number(process.env.FUZZ_REQUESTS ?? 10_000);
// The test command fuzzes with a fixed seed, so a landing never hangs on luck; `pnpm fuzz:long` and
// FUZZ_SEED=random explore new seeds, and any failure they find is replayed with its seed.
const seed =
  process.env.FUZZ_SEED === 'random'
    ? (Date.now() ^ (Math.random() * 2 ** 31)) | 0
    : Number(process.env.FUZZ_SEED ?? 2002919019);
const concurrency = Number(process.env.FUZZ_CONCURRENCY ?? 8);

let unhandledRejections = 0;
const onUnhandled = (reason: unknown) => {
  unhandledRejections++;
  console.error('unhandled rejection during fuzzing:', reason);
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('the gateway under contract-driven fuzzing', () => {
  it('names only catalogued problem types in its contract', () => {
    const { document } = loadContract();
    const named = problemTypesInDocument(document);
    expect(named.length).toBeGreaterThan(0);
    for (const type of named) expect(documentedProblemTypes.has(type), type).toBe(true);
  });

  it(
    `answers ${requests} generated requests without a 5xx, with documented problems, storing nothing when it rejects`,
    async () => {
      if (!Number.isSafeInteger(seed))
        throw new Error(`FUZZ_SEED must be an integer, got ${process.env.FUZZ_SEED}`);
      console.log(`fuzzing with FUZZ_SEED=${seed}, ${requests} requests, concurrency ${concurrency}`);
      const figures: FuzzFigures = await fuzzGateway({
        requests,
        seed,
        concurrency,
        progress: (line) => console.log(line),
      });
      console.log(formatFigures(figures, process.env.FUZZ_VERBOSE === '1'));
      console.log(`unhandled rejections: ${unhandledRejections}`);
      expect(figures.requests).toBeGreaterThanOrEqual(requests);
      for (const [operation, counts] of Object.entries(figures.perOperation)) {
        expect(counts.sent, `${operation} got no requests`).toBeGreaterThan(0);
      }
      expect(figures.byStatusClass['5xx'] ?? 0, `seed ${seed}`).toBe(0);
      expect(figures.failures, `seed ${seed}`).toEqual([]);
      expect(figures.errorLogLines, `seed ${seed}`).toBe(0);
      expect(unhandledRejections, `seed ${seed}`).toBe(0);
      // Both sides of the contract were exercised.
      expect(figures.byStatusClass['2xx'] ?? 0).toBeGreaterThan(requests / 20);
      expect(figures.byStatusClass['4xx'] ?? 0).toBeGreaterThan(requests / 4);
    },
    60_000 + requests * 30,
  );
});
