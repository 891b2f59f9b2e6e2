import { categories, signalRuleIds } from '@samsyn/domain';
import {
  dateField,
  freeText,
  MetricsStatisticSchema,
  MetricsTableSchema,
  PageInfoSchema,
  paginationQuery,
  z,
} from '@samsyn/http';

const bilingual = (max: number) =>
  z
    .object({ sv: z.string().max(max), en: z.string().max(max) })
    .openapi({ description: 'Swedish and English' });
const instant = z.iso.datetime().max(30);
const partyId = z.string().max(100);
const thresholdValue = z.number().int().min(0).max(100_000).openapi({ format: 'int32' });

export const ruleIdField = z.enum(signalRuleIds);
export const signalStateField = z.enum(['open', 'acknowledged', 'cleared']);

export const SignalRuleRefSchema = z
  .object({
    id: ruleIdField,
    title: bilingual(200),
    explanation: bilingual(2000).openapi({ description: 'With the thresholds that applied filled in' }),
    reads: z.array(z.enum(categories)).max(20).openapi({
      description: 'The categories the rule read: the consent had to let the party read every one',
    }),
    purpose: z.enum(['coordination', 'sip']),
  })
  .openapi('SignalRuleRef');

export const SignalSchema = z
  .object({
    id: z.uuid().max(36),
    rule: SignalRuleRefSchema,
    party: partyId.openapi({ description: 'The party told: yours' }),
    state: signalStateField,
    raisedAt: instant,
    clearedAt: instant.nullable(),
    clearedBecause: z
      .enum(['condition_cleared', 'consent_ended'])
      .nullable()
      .openapi({
        description:
          '`condition_cleared`: the situation the rule describes no longer holds. `consent_ended`: no consent lets ' +
          'you be told about the person any longer.',
      }),
    thresholds: z.record(z.string().max(50), thresholdValue),
    thresholdsSetBy: z.string().max(100).nullable().openapi({
      description: 'The förbund whose thresholds applied; null when the catalogue’s defaults did',
    }),
    acknowledgement: z
      .object({
        outcome: z.enum(['acted', 'not_relevant']),
        reason: z.string().max(500).nullable(),
        officer: z.string().max(200),
        acknowledgedAt: instant,
      })
      .nullable(),
  })
  .openapi('Signal');

export const SignalWithPersonSchema = z
  .object({
    ...SignalSchema.shape,
    person: z
      .object({
        personnummer: z
          .string()
          .max(13)
          .openapi({ description: 'Handed back only while a consent covers the rule' }),
        conditionSince: dateField.openapi({ description: 'The day the situation began' }),
        sipId: z.uuid().max(36).nullable().openapi({ description: 'The SIP the signal is about, if any' }),
      })
      .nullable()
      .openapi({
        description:
          'Who the signal is about, while a consent valid now still lets you read every category the rule read ' +
          '(null otherwise). Each time it is returned, it is written to the person’s access log.',
      }),
  })
  .openapi('SignalWithPerson');

export const SignalListSchema = z
  .object({ signals: z.array(SignalSchema).max(500), page: PageInfoSchema })
  .openapi('SignalList');

export const signalListQuery = paginationQuery.extend({
  rule: ruleIdField.optional().openapi({ description: 'Only signals of this rule' }),
  state: signalStateField.optional().openapi({ description: 'Only signals in this state' }),
  from: dateField
    .optional()
    .openapi({ description: 'Raised on or after this day (UTC)', example: '2026-01-01' }),
  to: dateField
    .optional()
    .openapi({ description: 'Raised on or before this day (UTC)', example: '2026-12-31' }),
});

export const idParam = z.object({
  id: z
    .uuid()
    .max(36)
    .openapi({ param: { name: 'id', in: 'path' }, example: '3f1c2b7a-9d4e-4b5f-8a6c-1e2d3c4b5a69' }),
});

export const ruleParam = z.object({
  ruleId: ruleIdField.openapi({ param: { name: 'ruleId', in: 'path' }, example: 'passive-sick-listing' }),
});

export const AcknowledgementSchema = z
  .strictObject({
    outcome: z.enum(['acted', 'not_relevant']).openapi({
      description:
        '`acted`: you did something about it. `not_relevant`: it does not call for action; say why.',
    }),
    reason: freeText(500).optional().openapi({ description: 'Required for `not_relevant`; no personnummer' }),
  })
  .refine((body) => body.outcome !== 'not_relevant' || body.reason !== undefined, {
    message: 'say why it is not relevant',
    path: ['reason'],
  })
  .openapi('SignalAcknowledgement');

export const ThresholdSchema = z
  .object({
    key: z.string().max(50),
    unit: z.enum(['days', 'months']),
    value: thresholdValue.openapi({ description: 'What applies for your förbund' }),
    default: thresholdValue,
    min: thresholdValue,
    max: thresholdValue,
    description: bilingual(300),
  })
  .openapi('SignalThreshold');

export const SignalRuleSchema = z
  .object({
    id: ruleIdField,
    title: bilingual(200),
    explanation: bilingual(2000),
    reads: z.array(z.enum(categories)).max(20),
    readsSips: z.enum(['none', 'existence', 'participating']),
    purpose: z.enum(['coordination', 'sip']),
    informs: z.array(z.enum(['kommun', 'region', 'fk', 'af'])).max(4),
    source: z.string().max(300),
    thresholds: z.array(ThresholdSchema).max(10),
    thresholdsUpdatedAt: instant.nullable().openapi({ description: 'When your förbund last set them' }),
  })
  .openapi('SignalRule');

export const SignalRuleListSchema = z
  .object({ forbund: z.string().max(100), rules: z.array(SignalRuleSchema).max(50) })
  .openapi('SignalRuleList');

// Bounds differ per rule and key, so the route checks them against the rule and names every bad key.
export const ThresholdsInputSchema = z
  .record(z.string().max(50), z.number())
  .openapi('SignalThresholdsInput', {
    description:
      'The rule’s thresholds by key, whole numbers within each one’s bounds (`GET /v1/signal-rules`); a key left ' +
      'out takes the catalogue’s default, so `{}` restores every default.',
    example: { months: 3, maxGapDays: 14 },
  });

export const SignalFiguresSchema = z
  .object({
    forbund: z.string().max(100),
    kommuner: z.array(z.string().max(100)).max(300),
    from: dateField,
    to: dateField,
    threshold: z
      .number()
      .int()
      .min(2)
      .max(100)
      .openapi({ format: 'int32', description: 'Cells below this are suppressed' }),
    computedAt: instant,
    definitions: z.record(z.string(), z.string().max(2000)),
    tables: z.array(MetricsTableSchema).max(50),
    statistics: z.array(MetricsStatisticSchema).max(50),
  })
  .openapi('SignalFigures');

export const figuresQuery = z.object({
  from: dateField.openapi({ description: 'First day of the period', example: '2026-01-01' }),
  to: dateField.openapi({ description: 'Last day of the period', example: '2026-12-31' }),
  forbund: z
    .string()
    .max(100)
    .regex(/^forbund:[a-z0-9-]+$/)
    .optional()
    .openapi({ description: 'For a member kommun: which förbund’s figures (when it belongs to several)' }),
});
