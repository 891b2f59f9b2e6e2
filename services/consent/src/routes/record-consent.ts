import { randomUUID } from 'node:crypto';
import { appendAudit, consents, ensurePerson, parties, representations } from '@samsyn/db';
import { parsePersonNumber } from '@samsyn/domain';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  type FieldError,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  ProblemError,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { and, eq, inArray } from 'drizzle-orm';
import { signConsentReceipt } from '../receipt';
import { ConsentInputSchema, RecordedConsentSchema } from '../schemas';
import { consentView } from '../view';

export const recordConsentRoute = createRoute({
  method: 'post',
  path: '/v1/consents',
  operationId: 'recordConsent',
  tags: ['Consent'],
  summary: 'Record a person’s consent to exchange information between named parties',
  description:
    'Records who gave the consent (the person or a representative), the parties that may exchange — ' +
    'your own party among them — the categories, the purposes, the period, the form and evidence, the ' +
    'plain-language text the person agreed to, and the legal basis of the processing. Returns the ' +
    'consent and a signed consent receipt for the person. Takes effect for queries at `validFrom`.',
  ...secured('consent:write'),
  request: { body: { required: true, content: { 'application/json': { schema: ConsentInputSchema } } } },
  responses: {
    201: { description: 'Recorded', content: { 'application/json': { schema: RecordedConsentSchema } } },
    ...securedProblemResponses,
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
    422: problemResponseSpec('validation-failed'),
  },
});

function personOrFail(personnummer: string) {
  const parsed = parsePersonNumber(personnummer);
  if (!parsed.ok) throw new ProblemError('invalid-personnummer');
  return parsed.value;
}

export function registerRecordConsent(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(recordConsentRoute, async (c) => {
    const caller = agencyCaller(c);
    const input = c.req.valid('json');
    const named = [...new Set(input.parties)];
    if (!named.includes(caller.partyId)) {
      throw new ProblemError('validation-failed', 'a consent you record must name your own party', {
        errors: [{ location: 'body', pointer: '/parties', detail: `must include ${caller.partyId}` }],
      });
    }
    const registered = new Set(
      (
        await deps.db
          .select({ id: parties.id })
          .from(parties)
          .where(and(inArray(parties.id, named), eq(parties.active, true)))
      ).map((p) => p.id),
    );
    const unknown: FieldError[] = input.parties.flatMap((id, index) =>
      registered.has(id)
        ? []
        : [
            {
              location: 'body',
              pointer: `/parties/${index}`,
              detail: `${id} is not a registered, active party`,
            },
          ],
    );
    if (unknown.length > 0) throw new ProblemError('unknown-party', undefined, { errors: unknown });

    const person = deps.persons.record(personOrFail(input.personnummer));
    const representativeKey =
      input.givenBy.kind === 'representative'
        ? deps.persons.keyOf(personOrFail(input.givenBy.representativePersonnummer).normalised)
        : null;
    const row = await deps.db.transaction(async (tx) => {
      await ensurePerson(tx, person);
      const [inserted] = await tx
        .insert(consents)
        .values({
          id: randomUUID(),
          personKey: person.personKey,
          givenBy: input.givenBy.kind,
          representativeKind:
            input.givenBy.kind === 'representative' ? input.givenBy.representativeKind : null,
          representativeKey,
          parties: named,
          categories: [...new Set(input.categories)],
          purposes: [...new Set(input.purposes)],
          validFrom: new Date(input.validFrom),
          validUntil: new Date(input.validUntil),
          form: input.form,
          evidenceReference: input.evidenceReference,
          plainLanguageText: input.plainLanguageText,
          legalBasis: input.legalBasis,
          recordedByParty: caller.partyId,
          recordedByOfficer: caller.officerId,
        })
        .returning();
      if (!inserted) throw new Error('consent insert returned no row');
      if (inserted.representativeKey && inserted.representativeKind) {
        // A consent given by a representative establishes the representation for that consent.
        await tx.insert(representations).values({
          id: randomUUID(),
          kind: inserted.representativeKind,
          principalKey: inserted.personKey,
          representativeKey: inserted.representativeKey,
          consentId: inserted.id,
          validFrom: inserted.validFrom,
          validUntil: inserted.validUntil,
          evidenceReference: inserted.evidenceReference,
          recordedByParty: caller.partyId,
          recordedByOfficer: caller.officerId,
        });
      }
      await appendAudit(tx, {
        action: 'consent.recorded',
        partyId: caller.partyId,
        officerId: caller.officerId,
        personKey: person.personKey,
        legalBasis: inserted.legalBasis,
        consentIds: [inserted.id],
        categories: inserted.categories,
        requestId: c.get('requestId'),
        details: { purposes: inserted.purposes, parties: inserted.parties },
      });
      return inserted;
    });
    const consent = consentView(row);
    const receipt = await signConsentReceipt(deps.receipts, person.personKey, consent);
    return c.json({ consent, receipt }, 201);
  });
}
