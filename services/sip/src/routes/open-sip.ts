import { randomUUID } from 'node:crypto';
import { consents, ensurePerson, sips } from '@samsyn/db';
import { consentState, parsePersonNumber, partyKindOf } from '@samsyn/domain';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  ProblemError,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
} from '@samsyn/http';
import { eq } from 'drizzle-orm';
import { auditSip, refuse } from '../access';
import { scheduleFollowUpReminders } from '../messages';
import { checkPlan, withActionIds } from '../plan';
import { OpenSipSchema, SipSchema } from '../schemas';
import { sipView } from '../views';

export const openSipRoute = createRoute({
  method: 'post',
  path: '/v1/sips',
  operationId: 'openSip',
  tags: ['SIP'],
  summary: 'Open a SIP (samordnad individuell plan) for a person',
  description:
    'Allowed only under a consent that is valid now, has the purpose `sip` and names every ' +
    'participating party (403 `consent-required` otherwise — the same answer whether the consent is ' +
    'missing, of another person, or insufficient). The SIP starts in the phase "consent and ' +
    'participation". The principal with overall responsibility is a kommun or a region.',
  ...secured('sip:write'),
  request: { body: { required: true, content: { 'application/json': { schema: OpenSipSchema } } } },
  responses: {
    201: { description: 'Opened', content: { 'application/json': { schema: SipSchema } } },
    ...securedProblemResponses,
    403: problemResponseSpec('consent-required'),
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

export function registerOpenSip(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(openSipRoute, async (c) => {
    const caller = agencyCaller(c);
    const input = c.req.valid('json');
    const participants = [...new Set(input.participants)];
    if (!participants.includes(caller.partyId))
      refuse('/participants', `must include your own party ${caller.partyId}`);
    if (participants.length < 2) refuse('/participants', 'a SIP needs at least two different parties');
    input.participants.forEach((party, i) => {
      // A förbund follows aggregates only; it never takes part in an individual's plan.
      if (partyKindOf(party) === 'forbund')
        refuse(`/participants/${i}`, 'a samordningsförbund cannot take part in a SIP');
    });
    checkPlan(input, participants);
    const parsed = parsePersonNumber(input.personnummer);
    if (!parsed.ok) throw new ProblemError('invalid-personnummer');
    const person = deps.persons.record(parsed.value);

    const sip = await deps.db.transaction(async (tx) => {
      const [consent] = await tx.select().from(consents).where(eq(consents.id, input.consentId));
      const covers = (terms: typeof consent & object) =>
        terms.personKey === person.personKey &&
        consentState(terms, new Date()) === 'valid' &&
        terms.purposes.includes('sip') &&
        participants.every((party) => terms.parties.includes(party));
      if (!consent || !covers(consent)) {
        throw new ProblemError(
          'consent-required',
          'the consent must be valid now, for sip, naming every participant',
        );
      }
      await ensurePerson(tx, person);
      const [row] = await tx
        .insert(sips)
        .values({
          id: randomUUID(),
          personKey: person.personKey,
          consentId: input.consentId,
          phase: 'consent_and_participation',
          participants,
          principalParty: input.principal,
          coordinator: input.coordinator,
          needs: input.needs,
          goals: input.goals,
          actions: withActionIds(input.actions),
          nextFollowUpOn: input.nextFollowUpOn ?? null,
          openedByParty: caller.partyId,
          openedByOfficer: caller.officerId,
        })
        .returning();
      if (!row) throw new Error('SIP insert returned no row');
      await scheduleFollowUpReminders(tx, row);
      await auditSip(tx, 'sip.opened', { caller, requestId: c.get('requestId') }, row, consent);
      return row;
    });
    return c.json(sipView(sip, [], [], []), 201);
  });
}
