/**
 * The API under load: audited status queries, publishing one event and batches of 500, replayed
 * publishes, against a constant route in the same process and PostgreSQL's own insert rates on the
 * same server, measured in alternating rounds of one run.
 */
import { randomUUID } from 'node:crypto';
import { type Category, categories } from '@samsyn/domain';
import { createTestConsent, testPersonnummer } from '../../../packages/testkit/src/persons';
import { exampleStatusEvent } from '../../../packages/testkit/src/status-examples';
import { testPersonVault } from '../../../packages/testkit/src/vault';
import {
  alternate,
  type LoadRequest,
  type LoadResult,
  median,
  medianRun,
  runLoad,
  runOpenLoop,
} from '../lib/load';
import { peakRss } from '../lib/memory';
import { measurePgbench } from '../lib/pgbench';
import { type RunningProduct, startProduct } from '../lib/product';
import type { Measurement } from '../lib/report';

const requester = 'kommun:0180';
/** One publisher per owning kind, each publishing the categories it owns. */
const publishers: Array<{ party: string; category: Category }> = [
  { party: requester, category: 'assistance' },
  { party: 'region:01', category: 'care' },
  { party: 'fk', category: 'insurance' },
  { party: 'af', category: 'employment' },
];
export const batchSize = 500;

export interface HttpBench {
  product: RunningProduct;
  personnummers: string[];
  tokens: Map<string, string>;
}

function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new Error('nothing to pick from');
  return item;
}

function bearer(bench: HttpBench, party: string): Record<string, string> {
  const token = bench.tokens.get(party);
  if (!token) throw new Error(`no token for ${party}`);
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

/** BENCH_PRODUCT_ENV='{"LOG_LEVEL":"warn"}' tries a setting of the product without editing code. */
function extraEnv(): Record<string, string> {
  return JSON.parse(process.env.BENCH_PRODUCT_ENV ?? '{}') as Record<string, string>;
}

/**
 * The product with `persons` people who each have a consent naming every publisher and the requester
 * and a current status from four parties, published through the API.
 */
export async function prepareHttpBench(options: {
  persons: number;
  say: (line: string) => void;
}): Promise<HttpBench> {
  const product = await startProduct({
    dispatcher: true,
    env: { BENCH_ROUTES: 'true', DB_POOL_MAX: '20', ...extraEnv() },
    say: options.say,
  });
  const tokens = new Map<string, string>();
  for (const { party } of publishers) {
    await product.registerParty(party);
    tokens.set(party, await product.tokenFor(party));
  }
  const vault = testPersonVault();
  const personnummers = Array.from({ length: options.persons }, () => testPersonnummer());
  for (const personnummer of personnummers) {
    await createTestConsent(product.db, vault, {
      personnummer,
      parties: publishers.map((p) => p.party),
      categories: [...categories],
      purposes: ['coordination'],
    });
  }
  const bench = { product, personnummers, tokens };
  for (const { party, category } of publishers) {
    for (let start = 0; start < personnummers.length; start += batchSize) {
      const events = personnummers
        .slice(start, start + batchSize)
        .map((p) => exampleStatusEvent(p, category));
      const response = await fetch(`${product.url}/v1/status-events/batch`, {
        method: 'POST',
        headers: { ...bearer(bench, party), 'idempotency-key': randomUUID() },
        body: JSON.stringify({ events }),
      });
      if (response.status !== 201)
        throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
    }
  }
  options.say(`seeded ${personnummers.length} people with consents and ${publishers.length} statuses each`);
  return bench;
}

/** A consent-gated, audited read of one random person's current status. */
export function statusQueryRequest(bench: HttpBench, pathPrefix = ''): LoadRequest {
  return {
    method: 'POST',
    path: `${pathPrefix}/v1/status-queries`,
    headers: bearer(bench, requester),
    body: () => JSON.stringify({ personnummer: pick(bench.personnummers), purpose: 'coordination' }),
  };
}

function publishRequest(bench: HttpBench): LoadRequest {
  return {
    method: 'POST',
    path: '/v1/status-events',
    headers: bearer(bench, 'fk'),
    body: () => JSON.stringify(exampleStatusEvent(pick(bench.personnummers), 'insurance')),
    freshHeaders: () => ({ 'idempotency-key': randomUUID() }),
  };
}

export function batchRequestFor(bench: HttpBench): LoadRequest {
  return {
    method: 'POST',
    path: '/v1/status-events/batch',
    headers: bearer(bench, 'fk'),
    body: () =>
      JSON.stringify({
        events: Array.from({ length: batchSize }, () =>
          exampleStatusEvent(pick(bench.personnummers), 'insurance'),
        ),
      }),
    freshHeaders: () => ({ 'idempotency-key': randomUUID() }),
  };
}

/** The same key and body every time: after the first, each is answered from the stored result. */
async function duplicateRequest(bench: HttpBench): Promise<LoadRequest> {
  const key = randomUUID();
  const body = JSON.stringify(exampleStatusEvent(pick(bench.personnummers), 'insurance'));
  const headers = { ...bearer(bench, 'fk'), 'idempotency-key': key };
  const first = await fetch(`${bench.product.url}/v1/status-events`, { method: 'POST', headers, body });
  if (first.status !== 201) throw new Error(`first publish failed: ${first.status}`);
  return { method: 'POST', path: '/v1/status-events', headers, body };
}

async function auditedReads(bench: HttpBench): Promise<number> {
  const [row] = await bench.product.sql<
    { n: string }[]
  >`select count(*) as n from audit_log where action = 'status.read'`;
  return Number(row?.n ?? 0);
}

function failIfErrors(name: string, runs: readonly LoadResult[]) {
  const failed = runs.reduce((sum, run) => sum + run.failed, 0);
  if (failed > 0)
    throw new Error(`${name}: ${failed} requests failed; the figures would flatter the product`);
}

const rate = (value: number) => `${Math.round(value).toLocaleString('en')}/s`;

export async function measureHttp(
  bench: HttpBench,
  options: { rounds: number; seconds: number; connections: number; say: (line: string) => void },
): Promise<{ rows: Measurement[]; statusQueryRate: number }> {
  const { url } = bench.product;
  const load =
    (request: LoadRequest, connections = options.connections) =>
    () =>
      runLoad({ url, request, seconds: options.seconds, connections });
  const duplicate = await duplicateRequest(bench);
  let auditRows = 0;
  let auditSeconds = 0;
  const workloads = {
    // The same request as the status query, answered before any middleware runs.
    constant: load({ ...statusQueryRequest(bench), path: '/bench/constant' }),
    statusQuery: async () => {
      const before = await auditedReads(bench);
      const result = await load(statusQueryRequest(bench))();
      auditRows += (await auditedReads(bench)) - before;
      auditSeconds += result.seconds;
      return result;
    },
    statusQueryUnvalidated: load(statusQueryRequest(bench, '/v1/bench-unvalidated')),
    publish: load(publishRequest(bench)),
    duplicatePublish: load(duplicate),
    batchPublish: load(batchRequestFor(bench), 4),
    insertTps: () =>
      measurePgbench(bench.product.database.url, { rowsPerStatement: 1, seconds: options.seconds }),
    batchInsertTps: () =>
      measurePgbench(bench.product.database.url, { rowsPerStatement: 50, seconds: options.seconds }),
  };
  options.say('warming up');
  for (const work of Object.values(workloads)) await work();
  auditRows = 0;
  auditSeconds = 0;
  options.say(`measuring ${options.rounds} alternating rounds of ${options.seconds} s per workload`);
  const { value: runs, peakMb } = await peakRss(bench.product.gateway.pid, () =>
    alternate(options.rounds, workloads),
  );
  for (const [name, list] of Object.entries(runs)) failIfErrors(name, list as LoadResult[]);
  const rateOf = (list: readonly LoadResult[]) => median(list.map((run) => run.rate));
  const constant = rateOf(runs.constant);
  const query = rateOf(runs.statusQuery);
  const unvalidated = rateOf(runs.statusQueryUnvalidated);
  const publish = rateOf(runs.publish);
  const duplicatePublish = rateOf(runs.duplicatePublish);
  const batchEvents = rateOf(runs.batchPublish) * batchSize;
  const insertTps = rateOf(runs.insertTps);
  const batchRows = rateOf(runs.batchInsertTps) * 50;
  const auditRate = auditRows / auditSeconds;
  for (const [name, list] of Object.entries(runs)) {
    const shown = (list as LoadResult[]).map((run) => Math.round(run.rate)).join(', ');
    options.say(`  ${name}: ${shown} /s (p99 of median run ${medianRun(list as LoadResult[]).p99Ms} ms)`);
  }

  options.say(`open loop at half the status-query maximum: ${Math.round(query / 2)}/s`);
  const halfLoad = await peakRss(bench.product.gateway.pid, () =>
    runOpenLoop({ url, request: statusQueryRequest(bench), seconds: options.seconds * 2, rate: query / 2 }),
  );
  failIfErrors('open-loop status query', [halfLoad.value]);

  const rows: Measurement[] = [
    {
      scenario: 'audited status query',
      measure: 'req/s ÷ constant route',
      value: query / constant,
      unit: '',
      better: 'higher',
      target: 0.25,
      stretch: 0.35,
      basis: `${rate(query)} ÷ ${rate(constant)}`,
    },
    {
      scenario: 'audited status query',
      measure: 'p99 at 50 % of max rate, open loop',
      value: halfLoad.value.p99Ms,
      unit: 'ms',
      better: 'lower',
      target: 10,
      stretch: 5,
      basis: `${rate(query / 2)} offered at even intervals (loadtest) for ${Math.round(halfLoad.value.seconds)} s, ${rate(halfLoad.value.rate)} answered; p50 ${halfLoad.value.p50Ms} ms`,
    },
    {
      scenario: 'audited status query',
      measure: 'audit rows/s ÷ raw INSERT TPS (16 clients)',
      value: auditRate / insertTps,
      unit: '',
      better: 'higher',
      target: 0.5,
      stretch: 0.8,
      basis: `${rate(auditRate)} ÷ pgbench ${rate(insertTps)}`,
    },
    {
      scenario: 'validated route (status query)',
      measure: 'req/s ÷ same route unvalidated',
      value: query / unvalidated,
      unit: '',
      better: 'higher',
      target: 0.8,
      stretch: 0.9,
      basis: `${rate(query)} ÷ ${rate(unvalidated)}`,
    },
    {
      scenario: 'single publish',
      measure: 'req/s ÷ constant route',
      value: publish / constant,
      unit: '',
      better: 'higher',
      target: 0.2,
      stretch: 0.3,
      basis: `${rate(publish)} ÷ ${rate(constant)}`,
    },
    {
      scenario: `batch publish (${batchSize})`,
      measure: 'events/s ÷ raw 50-row batch rows/s',
      value: batchEvents / batchRows,
      unit: '',
      better: 'higher',
      target: 0.3,
      stretch: 0.5,
      basis: `${rate(batchEvents)} ÷ pgbench ${rate(batchRows)}`,
    },
    {
      scenario: 'duplicate publish (same key)',
      measure: 'req/s ÷ first publish',
      value: duplicatePublish / publish,
      unit: '',
      better: 'higher',
      target: 1.0,
      basis: `${rate(duplicatePublish)} ÷ ${rate(publish)}`,
    },
    {
      scenario: 'memory under load',
      measure: 'gateway RSS (peak)',
      value: Math.max(peakMb, halfLoad.peakMb),
      unit: 'MB',
      better: 'lower',
      target: 250,
      stretch: 150,
      basis: 'sampled every 250 ms through every workload above',
    },
  ];
  return { rows, statusQueryRate: query };
}
