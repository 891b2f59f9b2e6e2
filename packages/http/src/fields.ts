import { z } from '@hono/zod-openapi';
import { type PersonNumberError, parsePersonNumber, partyIdRegex, personNumberLike } from '@samsyn/domain';

const personNumberErrors: Record<PersonNumberError, string> = {
  format: 'must be 10 or 12 digits, optionally with - or + before the last four',
  date: 'does not hold a real date of birth (samordningsnummer: day + 60)',
  checksum: 'the check digit is wrong',
};

/**
 * A personnummer or samordningsnummer as people write it. Accepted in request bodies only, never in
 * a URL. A bad one is `invalid-personnummer` naming the field; the message never repeats the value.
 */
export const personnummerField = z
  .string()
  .max(20)
  .superRefine((value, ctx) => {
    const parsed = parsePersonNumber(value);
    if (!parsed.ok) {
      ctx.addIssue({
        code: 'custom',
        message: personNumberErrors[parsed.error],
        params: { problem: 'invalid-personnummer' },
      });
    }
  })
  .openapi({
    description:
      'Personnummer or samordningsnummer: 10 or 12 digits, with or without `-`; `+` for 100 or older.',
    example: '19121212-1212',
  });

/** DIGG pagination: `limit` and `page` (1-based) with defaults. */
export const paginationQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(50)
    .openapi({ description: 'Items per page', format: 'int32', example: 50 }),
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(1)
    .openapi({ description: 'Page number, from 1', format: 'int32', example: 1 }),
});

export const PageInfoSchema = z
  .object({
    limit: z.number().int().min(1).max(500).openapi({ format: 'int32' }),
    page: z.number().int().min(1).max(100_000).openapi({ format: 'int32' }),
    hasMore: z.boolean(),
  })
  .openapi('PageInfo');

/** `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): required on publishing operations. */
export const idempotencyKeyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(8)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .openapi({
      description: 'A unique key per logical request (a UUID is fine); retries send the same key.',
      example: '5b0c3f3e-8d0b-4bb5-9f3f-1b6b3d8c1a7e',
    }),
});

/**
 * Free text shown to other parties (a consent's wording, a SIP's needs and goals): it must never
 * carry a personnummer, which may only travel in its own field.
 */
export function freeText(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !new RegExp(personNumberLike.source).test(text), 'must not contain a personnummer');
}

export const partyIdField = z
  .string()
  .max(100)
  .regex(partyIdRegex, 'must be a party id such as kommun:1281, region:12, fk, af')
  .openapi({ example: 'region:12' });

// ISO 8601 has a year 0000; PostgreSQL has none, so such a date or instant could never be stored.
const notYearZero = (value: string) => !value.startsWith('0000');

/** An instant in RFC 3339 with an offset; returned in UTC. */
export const instantField = z.iso
  .datetime({ offset: true })
  .max(35)
  .refine(notYearZero, 'there is no year 0000');

/** RFC 3339 full-date, YYYY-MM-DD, from 0001-01-01 (as `isoDate` in the domain). */
export const dateField = z.iso.date().max(10).refine(notYearZero, 'there is no year 0000');
