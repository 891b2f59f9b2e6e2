import { type Category, categories, categoryOwners, isoDate, purposes, statusKinds } from '@samsyn/domain';
import { dateField, PageInfoSchema, personnummerField, z } from '@samsyn/http';

type EventVariant = z.ZodObject<{
  personnummer: typeof personnummerField;
  category: z.ZodLiteral<Category>;
  kind: z.ZodLiteral<string>;
  effectiveDate: typeof isoDate;
  data: z.ZodType<Record<string, unknown>>;
}>;

function pascal(words: string): string {
  return words
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

function nonEmpty<T>(items: T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('expected at least one item');
  return [first, ...rest];
}

/** One schema per (category, kind), named in OpenAPI `AssistanceActiveEvent`, `CertificateIssuedEvent`, … */
function eventVariants(category: Category): [EventVariant, ...EventVariant[]] {
  const kinds: Record<string, z.ZodType<Record<string, unknown>>> = statusKinds[category];
  return nonEmpty(
    Object.entries(kinds).map(
      ([kind, data]): EventVariant =>
        z
          .object({
            personnummer: personnummerField,
            category: z.literal(category),
            kind: z.literal(kind),
            effectiveDate: dateField.openapi({
              description: 'The date the status took effect',
              example: '2026-11-02',
            }),
            data,
          })
          .openapi(`${pascal(category)}${pascal(kind)}Event`, {
            description: `Published by ${categoryOwners[category].join(' or ')}.`,
          }),
    ),
  );
}

/** A status event as published: the category picks the kinds, the kind picks the schema of `data`. */
export const StatusEventInputSchema = z
  .discriminatedUnion(
    'category',
    nonEmpty(categories.map((category) => z.discriminatedUnion('kind', eventVariants(category)))),
  )
  .openapi('StatusEventInput');

/** What the handler works with after validation; `data` has passed the schema of its kind. */
export type StatusEventInput = z.infer<typeof StatusEventInputSchema>;

export const PublishedEventSchema = z
  .object({
    id: z.uuid().max(36),
    category: z.enum(categories),
    kind: z.string().max(50),
    effectiveDate: isoDate,
    publishedAt: z.iso.datetime().max(30),
    /** Whether the event became the party's current status (an older effective date does not). */
    current: z.boolean(),
  })
  .openapi('PublishedEvent');

export const batchLimit = 500;

export const StatusEventBatchSchema = z
  .object({ events: z.array(StatusEventInputSchema).min(1).max(batchLimit) })
  .openapi('StatusEventBatch');

export const PublishedBatchSchema = z
  .object({
    results: z
      .array(
        PublishedEventSchema.extend({
          index: z.number().int().min(0).max(batchLimit).openapi({ format: 'int32' }),
        }),
      )
      .max(batchLimit),
  })
  .openapi('PublishedBatch');

export const PartyRefSchema = z
  .object({
    id: z.string().max(100).openapi({ example: 'region:12' }),
    displayName: z.string().max(200).openapi({ example: 'Region Skåne' }),
  })
  .openapi('PartyRef');

export const StatusSchema = z
  .object({
    party: PartyRefSchema,
    kind: z.string().max(50),
    effectiveDate: isoDate,
    data: z.record(z.string(), z.unknown()).openapi({ description: 'As published; the schema of its kind.' }),
    publishedAt: z.iso.datetime().max(30),
  })
  .openapi('Status');

export const CategoryResultSchema = z
  .discriminatedUnion('access', [
    z.object({
      category: z.enum(categories),
      access: z.literal('granted'),
      statuses: z.array(StatusSchema).max(100),
    }),
    z.object({
      category: z.enum(categories),
      access: z.literal('withheld'),
    }),
  ])
  .openapi('CategoryResult', {
    description:
      'A category is `withheld` when no valid consent or statutory basis covers it — with the same shape ' +
      'whether or not anything is published, so a refusal reveals nothing.',
  });

const purposeField = z.enum(purposes).openapi({ description: 'Why you ask; a consent must name it.' });
const categoriesField = z
  .array(z.enum(categories))
  .min(1)
  .max(categories.length)
  .optional()
  .openapi({ description: 'Categories to read; all when omitted.' });

export const StatusQuerySchema = z
  .strictObject({ personnummer: personnummerField, purpose: purposeField, categories: categoriesField })
  .openapi('StatusQuery');

export const StatusQueryResultSchema = z
  .object({ purpose: z.enum(purposes), categories: z.array(CategoryResultSchema).max(categories.length) })
  .openapi('StatusQueryResult');

export const TimelineEventSchema = StatusSchema.extend({
  id: z.uuid().max(36),
  category: z.enum(categories),
}).openapi('TimelineEvent');

export const TimelineResultSchema = z
  .object({
    events: z.array(TimelineEventSchema).max(500),
    withheldCategories: z.array(z.enum(categories)).max(categories.length),
    page: PageInfoSchema,
  })
  .openapi('TimelineResult');
