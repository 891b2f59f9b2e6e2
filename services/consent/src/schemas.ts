import {
  categories,
  consentForms,
  consentPurposes,
  legalBasisCodes,
  representativeKinds,
} from '@samsyn/domain';
import { freeText, instantField, partyIdField, personnummerField, z } from '@samsyn/http';

const instant = instantField;
const partyId = partyIdField;

export const GivenBySchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('person') }),
    z.strictObject({
      kind: z.literal('representative'),
      representativeKind: z.enum(representativeKinds),
      representativePersonnummer: personnummerField,
    }),
  ])
  .openapi('ConsentGivenBy', {
    description:
      'The person, or a representative (ombud, god man, förvaltare, närstående) with their personnummer.',
  });

export const ConsentInputSchema = z
  .strictObject({
    personnummer: personnummerField,
    givenBy: GivenBySchema,
    parties: z
      .array(partyId)
      .min(2)
      .max(20)
      .refine((ids) => new Set(ids).size >= 2, 'must name at least two different parties')
      .openapi({ description: 'The parties that may exchange; include your own.' }),
    categories: z.array(z.enum(categories)).min(1).max(categories.length),
    purposes: z.array(z.enum(consentPurposes)).min(1).max(consentPurposes.length),
    validFrom: instant.openapi({ example: '2026-11-25T00:00:00Z' }),
    validUntil: instant.openapi({ example: '2027-11-25T00:00:00Z' }),
    form: z.enum(consentForms),
    evidenceReference: freeText(200).openapi({
      description: 'Where the signed form or the note is kept',
      example: 'Treserva dok 2026-4711',
    }),
    plainLanguageText: freeText(5000).openapi({
      description: 'The text the person agreed to, in plain language',
    }),
    legalBasis: z
      .enum(legalBasisCodes)
      .openapi({ description: 'The legal basis of the processing the consent lifts secrecy for' }),
  })
  .refine((consent) => Date.parse(consent.validUntil) > Date.parse(consent.validFrom), {
    path: ['validUntil'],
    message: 'must be after validFrom',
  })
  .refine((consent) => Date.parse(consent.validUntil) > Date.now(), {
    path: ['validUntil'],
    message: 'must be in the future: a consent that has already ended lifts no secrecy',
  })
  .openapi('ConsentInput');

export type ConsentInput = z.infer<typeof ConsentInputSchema>;

export const ConsentSchema = z
  .object({
    id: z.uuid().max(36),
    state: z.enum(['not_yet_valid', 'valid', 'expired', 'revoked']),
    givenBy: z.object({
      kind: z.enum(['person', 'representative']),
      representativeKind: z.enum(representativeKinds).nullable(),
    }),
    parties: z.array(z.string().max(100)).max(20),
    categories: z.array(z.enum(categories)).max(categories.length),
    purposes: z.array(z.enum(consentPurposes)).max(consentPurposes.length),
    validFrom: z.iso.datetime().max(30),
    validUntil: z.iso.datetime().max(30),
    form: z.enum(consentForms),
    evidenceReference: z.string().max(200),
    plainLanguageText: z.string().max(5000),
    legalBasis: z.enum(legalBasisCodes),
    recordedBy: z.object({ party: z.string().max(100), officer: z.string().max(200) }),
    recordedAt: z.iso.datetime().max(30),
    revocation: z
      .object({
        revokedAt: z.iso.datetime().max(30),
        party: z.string().max(100).nullable(),
        officer: z.string().max(200).nullable(),
        reason: z.string().max(1000),
      })
      .nullable(),
    withdrawalNotices: z
      .array(
        z.object({
          party: z.string().max(100),
          notifiedAt: z.iso.datetime().max(30),
          acknowledgedAt: z.iso.datetime().max(30).nullable(),
        }),
      )
      .max(100)
      .openapi({
        description:
          'After a withdrawal: every party that received data under the consent, told by webhook, and whether it has acknowledged',
      }),
  })
  .openapi('Consent');

export const RecordedConsentSchema = z
  .object({
    consent: ConsentSchema,
    receipt: z
      .string()
      .max(20_000)
      .openapi({
        description:
          'The consent receipt: a compact JWS (typ `consent-receipt+jwt`) signed with the gateway’s key, ' +
          'verifiable against `/.well-known/jwks.json`, holding the terms of the consent.',
      }),
  })
  .openapi('RecordedConsent');

export const ConsentQuerySchema = z.strictObject({ personnummer: personnummerField }).openapi('ConsentQuery');

export const ConsentListSchema = z
  .object({ consents: z.array(ConsentSchema).max(1000) })
  .openapi('ConsentList');

export const RevocationInputSchema = z
  .strictObject({
    reason: freeText(1000).openapi({ example: 'Personen återkallade sitt samtycke muntligt vid besök.' }),
  })
  .openapi('RevocationInput');

export const consentIdParam = z.object({
  id: z
    .uuid()
    .max(36)
    .openapi({ param: { name: 'id', in: 'path' }, example: '0b9f2f9e-6a3c-4c36-8c53-4d3a4a0b2c11' }),
});
