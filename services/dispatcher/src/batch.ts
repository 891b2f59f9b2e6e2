/**
 * Gathers single requests into one call of `run`: whatever arrives while a batch is in flight goes
 * into the next one, so under load N deliveries cost a few queries and commits instead of N, and an
 * idle dispatcher answers a lone request at once (one `setImmediate` later). Each caller still gets
 * its own result or error only after the batch holding it has finished, so a caller that awaits a
 * write knows it is committed.
 */
export function batcher<I, O>(options: {
  /** Runs one batch; returns one outcome per input, in order. */
  run: (inputs: I[]) => Promise<O[]>;
  maxSize: number;
  /** Inputs with the same key never share a batch (an update applied twice must count twice). */
  key?: (input: I) => string;
}): (input: I) => Promise<O> {
  interface Waiting {
    input: I;
    resolve: (output: O) => void;
    reject: (error: unknown) => void;
  }
  let waiting: Waiting[] = [];
  let inFlight = false;
  let scheduled = false;

  const take = (): Waiting[] => {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    const keys = new Set<string>();
    for (const entry of waiting) {
      const key = options.key?.(entry.input);
      if (batch.length >= options.maxSize || (key !== undefined && keys.has(key))) {
        rest.push(entry);
        continue;
      }
      if (key !== undefined) keys.add(key);
      batch.push(entry);
    }
    waiting = rest;
    return batch;
  };

  const flush = async () => {
    scheduled = false;
    if (inFlight || waiting.length === 0) return;
    inFlight = true;
    const batch = take();
    try {
      const outputs = await options.run(batch.map((entry) => entry.input));
      batch.forEach((entry, i) => {
        const output = outputs[i];
        if (outputs.length !== batch.length || output === undefined)
          entry.reject(new Error('batch returned no outcome'));
        else entry.resolve(output);
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      inFlight = false;
      if (waiting.length > 0) schedule();
    }
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush());
  };

  return (input) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      schedule();
    });
}
