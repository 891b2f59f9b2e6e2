import { type Db, sqlClientOf } from '@samsyn/db';
import { evaluatePerson, type PersonOutcome } from './person';

/** What the engine logs through: the dispatcher's pino logger fits. */
export interface SignalLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

export interface SignalEngineOptions {
  db: Db;
  logger: SignalLogger;
  /** Persons taken per query of the queue tables. */
  batchSize?: number;
}

type Source = 'signal_changes' | 'signal_schedule';

/**
 * Evaluates persons whose case changed (`signal_changes`, written by triggers in the changing
 * transaction) and persons whose time has come (`signal_schedule`, written by earlier evaluations).
 * Each person is evaluated in a transaction of its own, under an advisory lock on the person, and
 * the queue row is deleted in that transaction: any number of evaluators can run, a person is never
 * evaluated twice at once, and a crash leaves the row for the next pass. A person whose evaluation
 * fails is logged (without the person) and retried later, without holding up the others.
 */
export function createSignalEngine(options: SignalEngineOptions) {
  const batchSize = options.batchSize ?? 200;
  const sql = sqlClientOf(options.db);

  async function evaluateQueued(source: Source, personKey: string, now: Date): Promise<PersonOutcome | null> {
    try {
      return await sql.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtextextended(${`signals:${personKey}`}, 0))`;
        const claimed =
          source === 'signal_changes'
            ? await tx`delete from signal_changes where person_key = ${personKey} and due_at <= ${now.toISOString()} returning 1`
            : await tx`delete from signal_schedule where person_key = ${personKey} and due_at <= ${now.toISOString()} returning 1`;
        // Another evaluator took it while this one waited for the lock.
        if (claimed.length === 0) return null;
        return evaluatePerson(tx, personKey, now);
      });
    } catch (error) {
      options.logger.warn(
        { err: error instanceof Error ? error.message : String(error), queue: source },
        'signal evaluation failed; the person is tried again later',
      );
      // Tried again after 2, 4, 8 … minutes, at most an hour apart.
      await sql`
        update ${sql(source)}
        set attempts = attempts + 1, due_at = now() + make_interval(mins => least(60, 2 ^ least(attempts + 1, 6))::int)
        where person_key = ${personKey}`;
      return null;
    }
  }

  async function drain(source: Source, now: Date, stopped: () => boolean): Promise<PersonOutcome[]> {
    const outcomes: PersonOutcome[] = [];
    for (;;) {
      const due = await sql<Array<{ personKey: string }>>`
        select person_key as "personKey" from ${sql(source)}
        where due_at <= ${now.toISOString()} order by due_at limit ${batchSize}`;
      for (const { personKey } of due) {
        if (stopped()) return outcomes;
        const outcome = await evaluateQueued(source, personKey, now);
        if (outcome) outcomes.push(outcome);
      }
      if (due.length < batchSize || stopped()) return outcomes;
    }
  }

  return {
    /** Evaluates every person whose case changed; what the dispatcher's change loop runs. */
    processChanges: (options: { now?: Date; stopped?: () => boolean } = {}) =>
      drain('signal_changes', options.now ?? new Date(), options.stopped ?? (() => false)),
    /** Evaluates every person whose next check is due; what the scheduled sweep runs. */
    processDue: (options: { now?: Date; stopped?: () => boolean } = {}) =>
      drain('signal_schedule', options.now ?? new Date(), options.stopped ?? (() => false)),
    /**
     * One whole pass, changes then due checks, resolving when both are done: whatever was committed
     * before the call has been evaluated, also by another evaluator that held the person meanwhile.
     * For tests and operators who need to know an evaluation has run.
     */
    runPass: async (options: { now?: Date } = {}) => {
      const now = options.now ?? new Date();
      const changed = await drain('signal_changes', now, () => false);
      const due = await drain('signal_schedule', now, () => false);
      return { changed, due };
    },
  };
}

export type SignalEngine = ReturnType<typeof createSignalEngine>;
