import { dateField, MetricsStatisticSchema, MetricsTableSchema, z } from '@samsyn/http';

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
  tables: z.array(MetricsTableSchema).max(50),
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
    statistics: z.array(MetricsStatisticSchema).max(20),
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
