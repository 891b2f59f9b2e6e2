import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  day,
  expectRaised,
  newPerson,
  personKeyOf,
  publish,
  recordConsent,
  type SignalWorld,
  setThresholds,
  signalsOf,
  startSignalWorld,
} from './signals-harness';

/**
 * Evaluation as deployed, with nobody calling `runPass`: the dispatcher's change loop evaluates a
 * person when a status is published, and the scheduled sweep — a BullMQ repeatable job — evaluates a
 * person when a time condition comes due (here: the day a consent starts to hold).
 */
let world: SignalWorld;
beforeAll(async () => {
  world = await startSignalWorld({ live: { changeIntervalMs: 100, sweepIntervalMs: 1000 } });
  await setThresholds(world, 'incapacity-without-care', { days: 1 });
});
afterAll(() => world.close());

async function reportIncapacity(personnummer: string) {
  await publish(world, 'kommun', {
    personnummer,
    category: 'incapacity',
    kind: 'suspected_by_social_worker',
    effectiveDate: day(-14),
    data: { notedOn: day(-14) },
  });
}

describe('evaluation', () => {
  it('runs when a status is published', async () => {
    const personnummer = newPerson();
    await recordConsent(world, {
      personnummer,
      parties: ['kommun', 'region'],
      categories: ['incapacity', 'care'],
      purposes: ['coordination'],
    });
    await reportIncapacity(personnummer);
    await expect
      .poll(async () => (await signalsOf(world, personnummer, 'incapacity-without-care', 'region')).length, {
        timeout: 10_000,
      })
      .toBe(1);
    await expectRaised(world, personnummer, 'incapacity-without-care', 'region');
  });

  it('runs on the schedule when time brings a condition due, through a repeatable job', async () => {
    const schedulers = await world.dispatcher.signals?.queue.getJobSchedulers();
    expect(schedulers?.map((scheduler) => scheduler.key)).toEqual(['signal-sweep']);
    const personnummer = newPerson();
    const validFrom = new Date(Date.now() + 2000);
    await recordConsent(world, {
      personnummer,
      parties: ['kommun', 'region'],
      categories: ['incapacity', 'care'],
      purposes: ['coordination'],
      validFrom: validFrom.toISOString(),
    });
    await reportIncapacity(personnummer);
    // The change was evaluated at once: nothing may be told yet, and the person waits for the consent's start.
    const key = personKeyOf(world, personnummer);
    await expect
      .poll(
        async () => {
          const [row] = await world.gateway.database.sql<Array<{ due: string }>>`
          select to_json(due_at) #>> '{}' as due from signal_schedule where person_key = ${key}`;
          return row ? Date.parse(row.due) : null;
        },
        { timeout: 10_000 },
      )
      .toBe(validFrom.getTime());
    expect(await signalsOf(world, personnummer, 'incapacity-without-care', 'kommun')).toEqual([]);
    await expect
      .poll(async () => (await signalsOf(world, personnummer, 'incapacity-without-care', 'kommun')).length, {
        timeout: 10_000,
      })
      .toBe(1);
    await expectRaised(world, personnummer, 'incapacity-without-care', 'kommun');
  });
});
