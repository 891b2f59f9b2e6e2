import { dateField, z } from '@samsyn/http';

const count = z.number().int().min(0).max(100_000_000).nullable().openapi({ format: 'int32' });

export const CellSchema = z
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

export const TableSchema = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('additive'),
      key: z.string().max(100),
      title: z.string().max(300),
      total: count,
      totalSuppressed: z.boolean(),
      cells: z.array(CellSchema).max(50),
    }),
    z.object({
      type: z.literal('overlapping'),
      key: z.string().max(100),
      title: z.string().max(300),
      base: count,
      cells: z.array(CellSchema).max(50),
    }),
  ])
  .openapi('MetricsTable', {
    description:
      '`additive`: the cells partition the total (one person in one cell). `overlapping`: a person may be in ' +
      'several cells; shares are of `base`. Suppressed cells have `count: null`.',
  });

export const StatisticSchema = z
  .object({
    key: z.string().max(100),
    label: z.string().max(300),
    n: z.number().int().min(0).max(100_000_000).nullable().openapi({
      format: 'int32',
      description: 'How many people the value is of; null when under the threshold',
    }),
    value: z.number().nullable(),
  })
  .openapi('MetricsStatistic');

const reportFields = {
  forbund: z.string().max(100),
  kommuner: z.array(z.string().max(100)).max(300),
  threshold: z
    .number()
    .int()
    .min(2)
    .max(100)
    .openapi({ format: 'int32', description: 'Cells below this are suppressed' }),
  computedAt: z.iso.datetime().max(30),
  computationMs: z.number().int().min(0).max(86_400_000).openapi({ format: 'int32' }),
  definitions: z.record(z.string(), z.string().max(2000)),
  tables: z.array(TableSchema).max(50),
};

export const TargetGroupReportSchema = z
  .object({ ...reportFields, at: z.iso.date().max(10), previous: z.iso.date().max(10).nullable() })
  .openapi('TargetGroupReport');

export const OutcomeReportSchema = z
  .object({
    ...reportFields,
    baseline: z.iso.date().max(10),
    followUp: z.iso.date().max(10),
    previous: z.iso.date().max(10).nullable(),
  })
  .openapi('OutcomeReport');

export const FlowReportSchema = z
  .object({
    ...reportFields,
    from: z.iso.date().max(10),
    to: z.iso.date().max(10),
    statistics: z.array(StatisticSchema).max(20),
  })
  .openapi('FlowReport');

const day = (description: string) => dateField.openapi({ description, example: '2017-02-01' });
const forbund = z
  .string()
  .max(100)
  .regex(/^forbund:[a-z0-9-]+$/)
  .optional()
  .openapi({ description: 'For a member kommun: which förbund’s figures (when it belongs to several)' });

export const TargetGroupQuery = z.object({
  at: day('The snapshot date'),
  previous: day('An earlier snapshot date, for remaining versus new').optional(),
  forbund,
});
export const OutcomeQuery = z.object({
  baseline: day('The baseline date'),
  followUp: day('The follow-up date, after the baseline'),
  previous: day('The snapshot before the baseline, for remaining versus new').optional(),
  forbund,
});
export const FlowQuery = z.object({
  from: day('First day of the period'),
  to: day('Last day of the period'),
  forbund,
});
