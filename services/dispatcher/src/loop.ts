import type { Logger } from '@samsyn/http';

/**
 * Runs `work` now and then `intervalMs` after each run finishes, until stopped. A failing run is
 * logged once (not on every tick while it keeps failing) and retried on the next tick; `stop` waits
 * for a run in progress.
 */
export function startLoop(
  name: string,
  intervalMs: number,
  logger: Logger,
  work: (stopped: () => boolean) => Promise<void>,
) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failing = false;
  const tick = async () => {
    try {
      await work(() => stopped);
      if (failing) logger.info(`${name} recovered`);
      failing = false;
    } catch (error) {
      if (!failing)
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, `${name} failing`);
      failing = true;
    }
    if (!stopped) timer = setTimeout(schedule, intervalMs);
  };
  const schedule = () => {
    running = tick();
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
