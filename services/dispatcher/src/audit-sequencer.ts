import { type Db, sequenceAuditLog } from '@samsyn/db';
import type { Logger } from '@samsyn/http';

/**
 * Numbers committed access-log entries every `intervalMs` (gap-free, commit-safe; see
 * packages/db/src/queries/audit.ts). Any number of dispatchers may run it: an advisory lock keeps the
 * numbering serial. A failure is logged and retried on the next tick; entries wait, nothing is lost.
 */
export function startAuditSequencer(options: { db: Db; logger: Logger; intervalMs: number }) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      let numbered: number;
      do numbered = await sequenceAuditLog(options.db);
      while (numbered > 0 && !stopped);
    } catch (error) {
      options.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'audit sequencing failed',
      );
    }
    if (!stopped) timer = setTimeout(schedule, options.intervalMs);
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
