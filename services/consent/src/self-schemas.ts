import { representativeKinds } from '@samsyn/domain';
import {
  dateField,
  freeText,
  instantField,
  PageInfoSchema,
  paginationQuery,
  partyIdField,
  personnummerField,
  z,
} from '@samsyn/http';

export const representationQuery = z.object({
  representation: z.uuid().max(36).optional().openapi({
    description: 'Act for a principal: an id from `GET /v1/me/representations`; omit for yourself',
  }),
});

export const RepresentationSchema = z
  .object({
    id: z.uuid().max(36),
    kind: z.enum(representativeKinds),
    principal: z.object({ personnummer: z.string().max(13) }),
    validFrom: z.iso.datetime().max(30),
    validUntil: z.iso.datetime().max(30),
    consentId: z
      .uuid()
      .max(36)
      .nullable()
      .openapi({ description: 'Set when the representation covers one consent only' }),
  })
  .openapi('Representation');

export const RepresentationListSchema = z
  .object({ representations: z.array(RepresentationSchema).max(100) })
  .openapi('RepresentationList');

export const RecordRepresentationSchema = z
  .strictObject({
    kind: z.enum(representativeKinds),
    principalPersonnummer: personnummerField,
    representativePersonnummer: personnummerField,
    validFrom: instantField,
    validUntil: instantField,
    evidenceReference: freeText(200).openapi({ example: 'Tingsrättens beslut 2026-03-01, mål Ä 1234-26' }),
  })
  .refine((r) => Date.parse(r.validUntil) > Date.parse(r.validFrom), {
    path: ['validUntil'],
    message: 'must be after validFrom',
  })
  .openapi('RecordRepresentation');

export const RecordedRepresentationSchema = z
  .object({
    id: z.uuid().max(36),
    kind: z.enum(representativeKinds),
    validFrom: z.iso.datetime().max(30),
    validUntil: z.iso.datetime().max(30),
    endedAt: z.iso.datetime().max(30).nullable(),
  })
  .openapi('RecordedRepresentation');

export const EndRepresentationSchema = z.strictObject({ reason: freeText(500) }).openapi('EndRepresentation');

export const ReceiptSchema = z.object({ receipt: z.string().max(20_000) }).openapi('ConsentReceipt');

export const accessLogQuery = paginationQuery.extend({
  ...representationQuery.shape,
  from: dateField.optional().openapi({ description: 'First day, inclusive' }),
  to: dateField.optional().openapi({ description: 'Last day, inclusive' }),
  party: partyIdField.optional().openapi({ description: 'Only this party’s accesses' }),
});

export const InclusionProofSchema = z
  .object({
    treeSize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64' }),
    leafIndex: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64' }),
    hashes: z
      .array(z.string().max(64))
      .max(64)
      .openapi({ description: 'RFC 9162 audit path, base64url SHA-256' }),
  })
  .openapi('InclusionProof');

export const AccessLogEntrySchema = z
  .object({
    seq: z
      .number()
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .nullable()
      .openapi({ format: 'int64', description: 'Null for a few seconds, until numbered' }),
    at: z.iso.datetime().max(30),
    action: z.string().max(50),
    party: z.object({ id: z.string().max(100), displayName: z.string().max(200) }).nullable(),
    officer: z.string().max(200).nullable(),
    byRepresentative: z.boolean(),
    purpose: z.string().max(50).nullable(),
    categories: z.array(z.string().max(50)).max(20),
    consentIds: z.array(z.uuid().max(36)).max(100),
    legalBasis: z.string().max(500).nullable(),
    proof: InclusionProofSchema.nullable().openapi({
      description: 'Present once the entry is sealed into a signed tree head',
    }),
  })
  .openapi('AccessLogEntry');

export const AccessLogSchema = z
  .object({ entries: z.array(AccessLogEntrySchema).max(500), page: PageInfoSchema })
  .openapi('AccessLog');
