import { z } from '@hono/zod-openapi';

const count = z.number().int().min(0).max(100_000_000).nullable().openapi({ format: 'int32' });

/** One published cell of a follow-up table, as every figures report answers it. */
export const MetricsCellSchema = z
  .object({
    key: z.string().max(100),
    label: z.string().max(300),
    count,
    suppressed: z.boolean(),
    share: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .openapi({ description: 'Of the total (or base), from published figures only' }),
  })
  .openapi('MetricsCell');

/** A suppressed follow-up table: the status figures, signals and consultations all answer in it. */
export const MetricsTableSchema = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('additive'),
      key: z.string().max(100),
      title: z.string().max(300),
      total: count,
      totalSuppressed: z.boolean(),
      cells: z.array(MetricsCellSchema).max(50),
    }),
    z.object({
      type: z.literal('overlapping'),
      key: z.string().max(100),
      title: z.string().max(300),
      base: count,
      cells: z.array(MetricsCellSchema).max(50),
    }),
  ])
  .openapi('MetricsTable', {
    description:
      '`additive`: the cells partition the total (one person in one cell). `overlapping`: a person may be in ' +
      'several cells; shares are of `base`. Suppressed cells have `count: null`.',
  });

/** A figure that is not a count (a median), with how many people it is of. */
export const MetricsStatisticSchema = z
  .object({
    key: z.string().max(100),
    label: z.string().max(300),
    n: count.openapi({ description: 'How many people the value is of; null when under the threshold' }),
    value: z.number().nullable(),
  })
  .openapi('MetricsStatistic');
