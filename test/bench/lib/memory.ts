/** Peak resident memory of the product's processes while load runs (pidusage). */
import pidusage from 'pidusage';

/** Samples the processes' RSS every `intervalMs` until `stop()`, which samples once more and gives each peak in MB. */
export function samplePeakRss(pids: readonly number[], intervalMs: number) {
  const peaks = new Map(pids.map((pid) => [pid, 0]));
  const sample = async () => {
    const stats = await pidusage([...pids]).catch(() => undefined);
    if (!stats) return;
    for (const pid of pids) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, stats[pid]?.memory ?? 0));
  };
  let sampling = true;
  const done = (async () => {
    while (sampling) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async (): Promise<(pid: number) => number> => {
      sampling = false;
      await done;
      await sample();
      await pidusage.clear();
      return (pid) => (peaks.get(pid) ?? 0) / 2 ** 20;
    },
  };
}

/** Peak RSS of one process while `work` runs, sampled every 250 ms. */
export async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  const sampler = samplePeakRss([pid], 250);
  try {
    const value = await work();
    return { value, peakMb: (await sampler.stop())(pid) };
  } catch (error) {
    await sampler.stop();
    throw error;
  }
}
