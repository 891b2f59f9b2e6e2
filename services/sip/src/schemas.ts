import { actionStatuses, closureReasons, sipPhases } from '@samsyn/domain';
import {
  dateField,
  freeText,
  instantField,
  PageInfoSchema,
  partyIdField,
  personnummerField,
  z,
} from '@samsyn/http';

const date = dateField;

export const GoalSchema = z
  .strictObject({
    description: freeText(500),
    measure: freeText(500).openapi({ description: 'How the goal is measured (SMARTA: mätbart)' }),
    targetDate: date,
    responsibleParty: partyIdField,
    acceptedByPerson: z.boolean().openapi({ description: 'SMARTA: accepterat av den enskilde' }),
  })
  .openapi('SipGoal', {
    description:
      'A SMARTA goal: specific, measurable, accepted, realistic, time-bound, with a responsible party.',
  });

export const ActionInputSchema = z
  .strictObject({
    id: z
      .uuid()
      .max(36)
      .optional()
      .openapi({ description: 'Omit for a new action; give it to keep an existing one' }),
    responsibleParty: partyIdField,
    description: freeText(500),
    dueOn: date,
    status: z.enum(actionStatuses),
  })
  .openapi('SipActionInput');

export const CoordinatorSchema = z
  .strictObject({
    party: partyIdField,
    name: freeText(200).openapi({ example: 'Anna Lind, socialsekreterare' }),
  })
  .openapi('SipCoordinator');

const planFields = {
  principal: partyIdField.openapi({
    description: 'The principal with overall responsibility: a kommun or a region',
  }),
  coordinator: CoordinatorSchema,
  needs: z.array(freeText(500)).min(1).max(20),
  goals: z.array(GoalSchema).max(20),
  actions: z.array(ActionInputSchema).max(50),
  nextFollowUpOn: date.nullable(),
};

export const OpenSipSchema = z
  .strictObject({
    personnummer: personnummerField,
    consentId: z
      .uuid()
      .max(36)
      .openapi({ description: 'A valid consent with purpose `sip` naming every participant' }),
    participants: z.array(partyIdField).min(2).max(10),
    ...planFields,
    goals: planFields.goals.default([]),
    actions: planFields.actions.default([]),
    nextFollowUpOn: planFields.nextFollowUpOn.optional(),
  })
  .openapi('OpenSip');

export const UpdateSipSchema = z
  .strictObject({
    principal: planFields.principal.optional(),
    coordinator: planFields.coordinator.optional(),
    needs: planFields.needs.optional(),
    goals: planFields.goals.optional(),
    actions: planFields.actions.optional(),
    nextFollowUpOn: planFields.nextFollowUpOn.optional(),
  })
  .refine((update) => Object.keys(update).length > 0, 'change at least one field')
  .openapi('UpdateSip');

export const TransitionSchema = z
  .strictObject({ to: z.enum(sipPhases), closureReason: z.enum(closureReasons).optional() })
  .openapi('SipTransition');

const meetingFields = {
  startsAt: instantField.openapi({ example: '2026-12-03T09:00:00+01:00' }),
  durationMinutes: z.number().int().min(15).max(480).openapi({ format: 'int32', example: 90 }),
  place: freeText(200).nullable().openapi({ example: 'Stadshuset, rum 4' }),
  videoLink: z
    .url({ protocol: /^https$/ })
    .max(500)
    .nullable(),
  interpreterLanguage: z
    .string()
    .max(3)
    .regex(/^[a-z]{2,3}$/, 'an ISO 639 language code such as ar, so, ti')
    .nullable()
    .openapi({ example: 'ar' }),
  agenda: z.array(freeText(200)).min(1).max(20),
};

export const MeetingParticipantSchema = z
  .strictObject({
    party: partyIdField,
    role: freeText(100).openapi({ example: 'rehabkoordinator' }),
    displayName: freeText(200).openapi({ description: 'The name shown to the other participants' }),
  })
  .openapi('MeetingParticipantInput');

export const CallMeetingSchema = z
  .strictObject({
    ...meetingFields,
    place: meetingFields.place.default(null),
    videoLink: meetingFields.videoLink.default(null),
    interpreterLanguage: meetingFields.interpreterLanguage.default(null),
    participants: z.array(MeetingParticipantSchema).min(1).max(20),
    personDisplayName: freeText(200)
      .default('Den enskilde')
      .openapi({ description: 'How the person is shown to the others' }),
  })
  .refine((meeting) => meeting.place !== null || meeting.videoLink !== null, {
    path: ['place'],
    message: 'give a place or a video link',
  })
  .openapi('CallMeeting');

export const RescheduleMeetingSchema = z
  .strictObject({
    startsAt: meetingFields.startsAt.optional(),
    durationMinutes: meetingFields.durationMinutes.optional(),
    place: meetingFields.place.optional(),
    videoLink: meetingFields.videoLink.optional(),
    interpreterLanguage: meetingFields.interpreterLanguage.optional(),
    agenda: meetingFields.agenda.optional(),
  })
  .refine((change) => Object.keys(change).length > 0, 'change at least one field')
  .openapi('RescheduleMeeting');

export const CancelMeetingSchema = z
  .strictObject({ reason: freeText(500).optional() })
  .openapi('CancelMeeting');

export const InvitationResponseSchema = z
  .strictObject({
    answer: z.enum(['accepted', 'declined', 'proposes_new_time']),
    proposedStartsAt: instantField.optional(),
    comment: freeText(1000).optional(),
  })
  .refine((r) => (r.answer === 'proposes_new_time') === (r.proposedStartsAt !== undefined), {
    path: ['proposedStartsAt'],
    message: 'give proposedStartsAt exactly when the answer is proposes_new_time',
  })
  .openapi('InvitationResponse');

const deliveryStates = ['pending', 'queued', 'retrying', 'delivered', 'dead', 'cancelled'] as const;

export const DeliverySchema = z
  .object({
    id: z.uuid().max(36).openapi({ description: 'Also the `webhook-id` of every attempt' }),
    party: z.string().max(100),
    eventType: z.string().max(50),
    state: z.enum(deliveryStates),
    attempts: z.number().int().min(0).max(10_000).openapi({ format: 'int32' }),
    lastError: z.string().max(500).nullable(),
    lastAttemptAt: z.iso.datetime().max(30).nullable(),
    deliveredAt: z.iso.datetime().max(30).nullable(),
    createdAt: z.iso.datetime().max(30),
  })
  .openapi('Delivery');

export const InvitationSummarySchema = z
  .object({
    id: z.uuid().max(36),
    participantKind: z.enum(['party', 'person']),
    party: z.string().max(100).nullable(),
    role: z.string().max(100),
    displayName: z.string().max(200),
    status: z.enum(['active', 'cancelled']),
    rsvp: z.enum(['accepted', 'declined', 'proposes_new_time']).nullable(),
    proposedStartsAt: z.iso.datetime().max(30).nullable(),
    rsvpComment: z.string().max(1000).nullable(),
    respondedAt: z.iso.datetime().max(30).nullable(),
    // A union, not `.nullable()`: that would make the shared Delivery component itself nullable,
    // and every list of deliveries a list of maybe-deliveries.
    delivery: z.union([DeliverySchema, z.null()]).openapi({
      description: 'The latest message to the participant party; null for the person',
    }),
  })
  .openapi('InvitationSummary');

export const MeetingSchema = z
  .object({
    id: z.uuid().max(36),
    startsAt: z.iso.datetime().max(30),
    durationMinutes: z.number().int().min(15).max(480).openapi({ format: 'int32' }),
    place: z.string().max(200).nullable(),
    videoLink: z.string().max(500).nullable(),
    interpreterLanguage: z.string().max(3).nullable(),
    agenda: z.array(z.string().max(200)).max(20),
    status: z.enum(['scheduled', 'cancelled']),
    version: z.number().int().min(1).max(10_000).openapi({ format: 'int32' }),
    invitations: z.array(InvitationSummarySchema).max(21),
  })
  .openapi('Meeting');

// Spelled out, not `.extend`: the generator writes an extended strict object as an `allOf` whose two
// parts each forbid the other's properties, a schema no action could match.
export const ActionSchema = z
  .strictObject({ ...ActionInputSchema.shape, id: z.uuid().max(36) })
  .openapi('SipAction');

export const SipSchema = z
  .object({
    id: z.uuid().max(36),
    consentId: z.uuid().max(36),
    phase: z.enum(sipPhases),
    participants: z.array(z.string().max(100)).max(10),
    principal: z.string().max(100),
    coordinator: z.object({ party: z.string().max(100), name: z.string().max(200) }),
    needs: z.array(z.string().max(500)).max(20),
    goals: z.array(GoalSchema).max(20),
    actions: z.array(ActionSchema).max(50),
    nextFollowUpOn: date.nullable(),
    closureReason: z.enum(closureReasons).nullable(),
    closedAt: z.iso.datetime().max(30).nullable(),
    openedBy: z.object({ party: z.string().max(100), officer: z.string().max(200) }),
    openedAt: z.iso.datetime().max(30),
    meetings: z.array(MeetingSchema).max(1000),
  })
  .openapi('Sip');

export const InvitationSchema = z
  .object({
    id: z.uuid().max(36),
    sipId: z.uuid().max(36),
    party: z.string().max(100),
    role: z.string().max(100),
    displayName: z.string().max(200),
    status: z.enum(['active', 'cancelled']),
    rsvp: z.enum(['accepted', 'declined', 'proposes_new_time']).nullable(),
    proposedStartsAt: z.iso.datetime().max(30).nullable(),
    rsvpComment: z.string().max(1000).nullable(),
    person: z.object({
      personnummer: z
        .string()
        .max(13)
        .openapi({ description: 'Handed back to the invited party only, under the consent' }),
      displayName: z.string().max(200),
    }),
    meeting: MeetingSchema.omit({ invitations: true }).extend({
      participants: z
        .array(
          z.object({
            party: z.string().max(100).nullable(),
            role: z.string().max(100),
            displayName: z.string().max(200),
          }),
        )
        .max(21),
    }),
  })
  .openapi('Invitation');

export const DeliveryListSchema = z
  .object({
    deliveries: z.array(DeliverySchema).max(500),
    page: PageInfoSchema,
  })
  .openapi('DeliveryList');

export const idParam = z.object({
  id: z
    .uuid()
    .max(36)
    .openapi({ param: { name: 'id', in: 'path' }, example: '0b9f2f9e-6a3c-4c36-8c53-4d3a4a0b2c11' }),
});

export const meetingParams = idParam.extend({
  meetingId: z
    .uuid()
    .max(36)
    .openapi({ param: { name: 'meetingId', in: 'path' }, example: '5d2a6c71-1b1e-4c7a-9d0e-2f3b4c5d6e7f' }),
});

export const MeetingCalledSchema = z
  .object({
    id: z.uuid().max(36).openapi({ description: 'The new meeting' }),
    sipId: z.uuid().max(36),
    phase: z.enum(sipPhases).openapi({ description: 'The SIP’s phase after the call' }),
  })
  .openapi('MeetingCalled', {
    description:
      'The answer to `Prefer: return=minimal`: the new meeting’s id; `GET /v1/sips/{id}` shows it whole.',
  });
