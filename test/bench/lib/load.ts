/**
 * Load from autocannon, one request per connection in flight (no pipelining), as agency systems send,
 * closed loop for the highest rate; latency at a fixed offered rate from loadtest (`runOpenLoop`).
 */
import autocannon from 'autocannon';
import * as loadtest from 'loadtest';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** A fixed body, or one made fresh for every request (idempotency keys, new events). */
  body?: string | (() => string);
  /** Extra headers made fresh for every request. */
  freshHeaders?: () => Record<string, string>;
}

export interface LoadResult {
  /** Successful (2xx) responses a second over the whole run. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  failed: number;
  seconds: number;
}

export interface LoadOptions {
  url: string;
  request: LoadRequest;
  seconds: number;
  connections: number;
  /** Requests a second across all connections; absent = as fast as the server answers. */
  overallRate?: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { request } = options;
  const fresh = typeof request.body === 'function' || request.freshHeaders !== undefined;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    duration: options.seconds,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: request.method,
        path: request.path,
        headers: request.headers,
        ...(typeof request.body === 'string' ? { body: request.body } : {}),
        ...(fresh
          ? {
              setupRequest: (req: autocannon.Request) => ({
                ...req,
                headers: { ...req.headers, ...request.freshHeaders?.() },
                ...(typeof request.body === 'function' ? { body: request.body() } : {}),
              }),
            }
          : {}),
      },
    ],
  });
  const ok = result['2xx'];
  return {
    rate: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok,
    failed: result.non2xx + result.errors,
    seconds: result.duration,
  };
}

/** Median of a list of figures (the middle one; lists here are short and odd-length). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Runs each named workload `rounds` times, alternating their order each round so drift (a warming
 * database, a busy neighbour) hits every workload alike; returns every run of each.
 */
export async function alternate<K extends string>(
  rounds: number,
  workloads: Record<K, () => Promise<LoadResult>>,
): Promise<Record<K, LoadResult[]>> {
  const names = Object.keys(workloads) as K[];
  const runs = Object.fromEntries(names.map((name) => [name, [] as LoadResult[]])) as Record<K, LoadResult[]>;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) runs[name].push(await workloads[name]());
  }
  return runs;
}

/** The run with the median rate, so rate and latencies quoted together come from one run. */
export function medianRun(runs: readonly LoadResult[]): LoadResult {
  const sorted = [...runs].sort((a, b) => a.rate - b.rate);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (!middle) throw new Error('no runs');
  return middle;
}

// loadtest's bundled types predate its promise API (a call without a callback returns a promise).
const openLoopTest = loadtest.loadTest as unknown as (
  options: loadtest.LoadTestOptions,
) => Promise<loadtest.LoadTestResult>;

/**
 * Latency under a fixed offered rate, truly open loop: loadtest sends each request on a timer at even
 * intervals whether or not earlier ones were answered, opening connections as needed. (autocannon's
 * rate mode lets every connection send its quota for the second back to back at the start of the
 * second, so its latencies measure its own bursts.) Percentiles are whole milliseconds.
 */
export async function runOpenLoop(options: {
  url: string;
  request: LoadRequest;
  seconds: number;
  rate: number;
}): Promise<LoadResult> {
  const { request } = options;
  const result = await openLoopTest({
    url: `${options.url}${request.path}`,
    method: request.method,
    maxSeconds: options.seconds,
    requestsPerSecond: Math.max(1, Math.round(options.rate)),
    agentKeepAlive: true,
    quiet: true,
    requestGenerator: (_params, requestOptions, client, callback) => {
      const body = typeof request.body === 'function' ? request.body() : (request.body ?? '');
      requestOptions.headers = {
        ...requestOptions.headers,
        ...request.headers,
        ...request.freshHeaders?.(),
        'content-length': String(Buffer.byteLength(body)),
      };
      const sent = client(requestOptions, callback);
      sent.write(body);
      sent.end();
      return sent;
    },
  });
  return {
    rate: (result.totalRequests - result.totalErrors) / result.totalTimeSeconds,
    p50Ms: result.percentiles[50] ?? Number.NaN,
    p99Ms: result.percentiles[99] ?? Number.NaN,
    ok: result.totalRequests - result.totalErrors,
    failed: result.totalErrors,
    seconds: result.totalTimeSeconds,
  };
}
