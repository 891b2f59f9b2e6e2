import {
  ageBands,
  assistanceDurationBands,
  consultationCaseKinds,
  consultationNextSteps,
  forumRhythms,
  householdTypes,
  questionCategories,
  statedSexes,
} from '@samsyn/domain';
import {
  dateField,
  freeText,
  instantField,
  MetricsCellSchema,
  PageInfoSchema,
  partyIdField,
  personnummerField,
  z,
} from '@samsyn/http';

const uuid = z.uuid().max(36);
const iso = z.iso.datetime().max(30);
const party = z.string().max(100);

// Texts that go through the anonymisation check are plain strings here: the check answers with its
// own problem (`personal-data-in-text`) and a pointer, rather than the schema's generic refusal.
const checkedText = (max: number) => z.string().trim().min(1).max(max);

const videoLink = z
  .url({ protocol: /^https$/ })
  .max(500)
  .nullable();

export const ContactSchema = z
  .strictObject({
    name: freeText(200).openapi({ example: 'Eva Berg' }),
    role: freeText(100).openapi({ example: 'Specialist sjukförsäkring' }),
    email: z.email().max(200).nullable().default(null).openapi({ example: 'eva.berg@example.se' }),
    phone: z
      .string()
      .max(30)
      .regex(/^\+?[0-9][0-9 ()-]{5,28}$/, 'a telephone number such as 010-116 00 00')
      .nullable()
      .default(null),
  })
  .openapi('ForumContactInput', { description: 'A contact person of a member party: an official' });

export const MemberInputSchema = z
  .strictObject({
    party: partyIdField,
    contacts: z.array(ContactSchema).max(10).default([]),
  })
  .openapi('ForumMemberInput');

const durationMinutes = z.number().int().min(15).max(480).openapi({ format: 'int32', example: 180 });

export const CreateForumSchema = z
  .strictObject({
    name: freeText(200).openapi({ example: 'Konsultationsteam Malmö Söder' }),
    description: freeText(1000).nullable().default(null),
    forbund: partyIdField.openapi({
      description: 'The samordningsförbund whose follow-up counts the forum’s cases',
      example: 'forbund:lund',
    }),
    convener: partyIdField
      .optional()
      .openapi({ description: 'The member party that calls the meetings; your own party if left out' }),
    members: z.array(MemberInputSchema).min(2).max(10),
    rhythm: z.enum(forumRhythms),
    durationMinutes,
    place: freeText(200).nullable().default(null).openapi({ example: 'Stadsområde Söder, rum 2' }),
    videoLink: videoLink.default(null),
  })
  .refine((forum) => forum.place !== null || forum.videoLink !== null, {
    path: ['place'],
    message: 'give a place or a video link',
  })
  .openapi('CreateForum');

export const UpdateForumSchema = z
  .strictObject({
    name: freeText(200).optional(),
    description: freeText(1000).nullable().optional(),
    convener: partyIdField.optional(),
    members: z
      .array(MemberInputSchema)
      .min(2)
      .max(10)
      .optional()
      .openapi({ description: 'The same member parties with new contact persons: membership is fixed' }),
    rhythm: z.enum(forumRhythms).optional(),
    durationMinutes: durationMinutes.optional(),
    place: freeText(200).nullable().optional(),
    videoLink: videoLink.optional(),
  })
  .refine((change) => Object.keys(change).length > 0, 'change at least one field')
  .openapi('UpdateForum');

export const ContactViewSchema = z
  .object({
    name: z.string().max(200),
    role: z.string().max(100),
    email: z.string().max(200).nullable(),
    phone: z.string().max(30).nullable(),
  })
  .openapi('ForumContact');

export const MemberSchema = z
  .object({
    party: party,
    displayName: z.string().max(200).nullable(),
    contacts: z.array(ContactViewSchema).max(10),
  })
  .openapi('ForumMember');

export const ForumSchema = z
  .object({
    id: uuid,
    name: z.string().max(200),
    description: z.string().max(1000).nullable(),
    forbund: party,
    convener: party,
    members: z.array(MemberSchema).max(10),
    rhythm: z.enum(forumRhythms),
    durationMinutes: z.number().int().min(15).max(480).openapi({ format: 'int32' }),
    place: z.string().max(200).nullable(),
    videoLink: z.string().max(500).nullable(),
    nextMeeting: z
      .object({ id: uuid, startsAt: iso })
      .nullable()
      .openapi({ description: 'The next scheduled meeting, which new cases go to' }),
    waitingCases: z.number().int().min(0).max(100_000).openapi({
      format: 'int32',
      description: 'Cases raised while no meeting is scheduled: the next meeting called takes them',
    }),
    createdBy: z.object({ party: party, officer: z.string().max(200) }),
    createdAt: iso,
    updatedAt: iso,
  })
  .openapi('Forum');

export const ForumListSchema = z
  .object({ forums: z.array(ForumSchema).max(500), page: PageInfoSchema })
  .openapi('ForumList');

export const CallForumMeetingSchema = z
  .strictObject({
    startsAt: instantField.openapi({
      description:
        'In the future: the members are invited. In the past (at most three years back): a meeting ' +
        'that was held is recorded, nobody is invited.',
      example: '2026-12-03T09:00:00+01:00',
    }),
    durationMinutes: durationMinutes.optional().openapi({ description: 'The forum’s own if left out' }),
    place: freeText(200).nullable().optional().openapi({ description: 'The forum’s own if left out' }),
    videoLink: videoLink.optional().openapi({ description: 'The forum’s own if left out' }),
    theme: freeText(200).nullable().default(null).openapi({ example: 'Sjukersättning: kriterier' }),
  })
  .openapi('CallForumMeeting');

export const RescheduleForumMeetingSchema = z
  .strictObject({
    startsAt: instantField.optional(),
    durationMinutes: durationMinutes.optional(),
    place: freeText(200).nullable().optional(),
    videoLink: videoLink.optional(),
    theme: freeText(200).nullable().optional(),
  })
  .refine((change) => Object.keys(change).length > 0, 'change at least one field')
  .openapi('RescheduleForumMeeting');

export const CancelForumMeetingSchema = z
  .strictObject({ reason: freeText(500).optional() })
  .openapi('CancelForumMeeting');

const deliveryStates = ['pending', 'queued', 'retrying', 'delivered', 'dead', 'cancelled'] as const;

export const ForumInvitationSchema = z
  .object({
    party: party,
    eventType: z.string().max(50),
    state: z.enum(deliveryStates),
    attempts: z.number().int().min(0).max(10_000).openapi({ format: 'int32' }),
    lastError: z.string().max(500).nullable(),
    deliveredAt: iso.nullable(),
    deliveryId: uuid.openapi({ description: 'The `webhook-id` of the message' }),
  })
  .openapi('ForumInvitation', { description: 'The latest message about the meeting to one member party' });

const caseStates = ['awaiting_meeting', 'on_agenda', 'discussed', 'advised', 'followed_up'] as const;

export const BackgroundSchema = z
  .object({
    ageBand: z.enum(ageBands),
    sex: z.enum(statedSexes),
    household: z.enum(householdTypes),
    assistanceDuration: z.enum(assistanceDurationBands).openapi({ description: 'Years on assistance' }),
  })
  .openapi('CaseBackground');

export const CaseSummarySchema = z
  .object({
    id: uuid,
    kind: z.enum(consultationCaseKinds),
    category: z.enum(questionCategories),
    state: z.enum(caseStates),
    meetingId: uuid.nullable(),
    raisedBy: party,
    addressedTo: party.nullable(),
    question: z
      .string()
      .max(4000)
      .nullable()
      .openapi({ description: 'Anonymised cases only; a named case’s question is read case by case' }),
    background: BackgroundSchema.nullable(),
    answeredBy: z.array(party).max(10),
    followUpRecorded: z.boolean(),
  })
  .openapi('CaseSummary', { description: 'A case on a list or agenda: never personal data' });

export const ForumMeetingSchema = z
  .object({
    id: uuid,
    forumId: uuid,
    startsAt: iso,
    durationMinutes: z.number().int().min(15).max(480).openapi({ format: 'int32' }),
    place: z.string().max(200).nullable(),
    videoLink: z.string().max(500).nullable(),
    theme: z.string().max(200).nullable(),
    status: z.enum(['scheduled', 'cancelled']),
    held: z.boolean().openapi({ description: 'Scheduled and started: its cases can be answered' }),
    cancellationReason: z.string().max(500).nullable(),
    version: z.number().int().min(1).max(10_000).openapi({ format: 'int32' }),
    calledBy: z.object({ party: party, officer: z.string().max(200) }),
    agenda: z.array(CaseSummarySchema).max(500),
    invitations: z.array(ForumInvitationSchema).max(10),
  })
  .openapi('ForumMeeting');

export const ForumMeetingListSchema = z
  .object({ meetings: z.array(ForumMeetingSchema).max(500), page: PageInfoSchema })
  .openapi('ForumMeetingList');

const caseFields = {
  category: z.enum(questionCategories),
  question: checkedText(4000).openapi({
    example: 'Har personen förutsättningar att ansöka om sjukersättning efter ett tidigare avslag?',
  }),
  addressedTo: partyIdField
    .nullable()
    .default(null)
    .openapi({ description: 'The member party whose advice is sought; any member may answer' }),
  meetingId: uuid.optional().openapi({
    description:
      'A scheduled meeting of the forum; the next one if left out, or the next one called when none is',
  }),
};

export const RaiseAnonymisedCaseSchema = z
  .strictObject({
    kind: z.literal('anonymised'),
    ...caseFields,
    ageBand: z.enum(ageBands),
    sex: z.enum(statedSexes),
    household: z.enum(householdTypes),
    assistanceDuration: z.enum(assistanceDurationBands),
  })
  .openapi('RaiseAnonymisedCase', {
    description:
      'No person: background bands and the question. The question must not identify anyone; ' +
      'personnummer and names are refused (`personal-data-in-text`).',
  });

export const RaiseNamedCaseSchema = z
  .strictObject({
    kind: z.literal('named'),
    ...caseFields,
    personnummer: personnummerField,
    consentId: uuid.openapi({
      description: 'A consent valid now, with the purpose `consultation`, naming every member party',
    }),
  })
  .openapi('RaiseNamedCase');

export const RaiseCaseSchema = z
  .discriminatedUnion('kind', [RaiseAnonymisedCaseSchema, RaiseNamedCaseSchema])
  .openapi('RaiseCase');

export const AdviceSchema = z
  .object({
    party: party,
    advice: z.string().max(4000),
    recordedBy: z.string().max(200),
    recordedAt: iso,
    updatedAt: iso,
  })
  .openapi('CaseAdvice');

export const FollowUpSchema = z
  .object({
    adviceFollowed: z.boolean(),
    nextSteps: z.array(z.enum(consultationNextSteps)).max(4),
    note: z.string().max(2000).nullable(),
    recordedBy: z.string().max(200),
    recordedAt: iso,
  })
  .openapi('CaseFollowUp');

export const CaseSchema = z
  .object({
    id: uuid,
    forumId: uuid,
    meetingId: uuid.nullable(),
    kind: z.enum(consultationCaseKinds),
    state: z.enum(caseStates),
    category: z.enum(questionCategories),
    question: z.string().max(4000),
    addressedTo: party.nullable(),
    background: BackgroundSchema.nullable(),
    person: z
      .object({
        personnummer: z
          .string()
          .max(13)
          .openapi({ description: 'Handed back to the members the consent names, while it holds' }),
      })
      .nullable(),
    consentId: uuid.nullable().openapi({
      description:
        'Named cases: read the person’s statuses with `POST /v1/status-queries`, purpose `consultation`',
    }),
    raisedBy: z.object({ party: party, officer: z.string().max(200) }),
    raisedAt: iso,
    advice: z.array(AdviceSchema).max(10),
    followUp: FollowUpSchema.nullable(),
    warning: z.string().max(1000).nullable().openapi({
      description: 'For anonymised cases: what the check does not catch, shown with every answer',
    }),
  })
  .openapi('ConsultationCase');

export const CaseListSchema = z
  .object({ cases: z.array(CaseSummarySchema).max(500), page: PageInfoSchema })
  .openapi('CaseList');

export const AnswerSchema = z
  .strictObject({
    advice: checkedText(4000).openapi({
      example: 'Komplettera med ett aktuellt läkarintyg från psykiatrin.',
    }),
  })
  .openapi('CaseAnswer');

export const RecordFollowUpSchema = z
  .strictObject({
    adviceFollowed: z.boolean(),
    nextSteps: z
      .array(z.enum(consultationNextSteps))
      .max(4)
      .refine((steps) => new Set(steps).size === steps.length, 'each step once')
      .default([]),
    note: checkedText(2000).nullable().default(null),
  })
  .openapi('RecordCaseFollowUp');

export const idParam = z.object({
  id: uuid.openapi({ param: { name: 'id', in: 'path' }, example: '0b9f2f9e-6a3c-4c36-8c53-4d3a4a0b2c11' }),
});

export const meetingParams = idParam.extend({
  meetingId: uuid.openapi({
    param: { name: 'meetingId', in: 'path' },
    example: '5d2a6c71-1b1e-4c7a-9d0e-2f3b4c5d6e7f',
  }),
});

export const caseParams = idParam.extend({
  caseId: uuid.openapi({
    param: { name: 'caseId', in: 'path' },
    example: '9a1d4c2e-3b5f-4e6a-8c7d-0e1f2a3b4c5d',
  }),
});

const flag = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => (value === undefined ? undefined : value === 'true'));

export const caseListQuery = z.object({
  meetingId: uuid.optional().openapi({ description: 'Only the agenda of this meeting' }),
  raisedByMe: flag.openapi({ description: '`true`: only cases your party raised' }),
  awaitingFollowUp: flag.openapi({
    description: '`true`: only answered cases whose follow-up is not recorded yet',
  }),
});

export const meetingListQuery = z.object({
  upcoming: flag.openapi({ description: '`true`: only scheduled meetings not yet started, soonest first' }),
});

// Consultation figures ---------------------------------------------------------------------------

const count = z.number().int().min(0).max(100_000_000).nullable().openapi({ format: 'int32' });

export const ConsultationTableSchema = z
  .object({
    type: z.enum(['additive', 'overlapping']),
    key: z.string().max(100),
    title: z.string().max(300),
    total: count.openapi({ description: 'Additive: the cases the cells partition. Overlapping: the base' }),
    totalSuppressed: z.boolean(),
    cells: z.array(MetricsCellSchema).max(500),
  })
  .openapi('ConsultationTable', {
    description:
      '`additive`: the cells partition the total (one case in one cell). `overlapping`: a case may be ' +
      'in several cells; shares are of the total. Suppressed cells have `count: null`.',
  });

export const ConsultationFiguresSchema = z
  .object({
    forbund: party,
    kommuner: z
      .array(party)
      .max(300)
      .openapi({ description: 'For a member kommun’s part: only its own cases are counted' }),
    from: z.iso.date().max(10).openapi({ description: 'First day of the first quarter covered' }),
    to: z.iso.date().max(10).openapi({ description: 'Last day of the last quarter covered' }),
    threshold: z.number().int().min(2).max(100).openapi({ format: 'int32' }),
    computedAt: iso,
    meetingsHeld: z.number().int().min(0).max(100_000_000).openapi({
      format: 'int32',
      description: 'Meetings held in the period (a meeting is not a person: never suppressed)',
    }),
    casesPerMeeting: z
      .number()
      .min(0)
      .nullable()
      .openapi({ description: 'Published cases over meetings held; null when the total is suppressed' }),
    definitions: z.record(z.string(), z.string().max(2000)),
    tables: z.array(ConsultationTableSchema).max(60),
  })
  .openapi('ConsultationFigures');

export const figuresQuery = z.object({
  from: dateField.openapi({
    description: 'First day of the period; widened to the start of its quarter',
    example: '2016-01-01',
  }),
  to: dateField.openapi({
    description: 'Last day of the period; widened to the end of its quarter',
    example: '2016-12-31',
  }),
  forbund: z
    .string()
    .max(100)
    .regex(/^forbund:[a-z0-9-]+$/)
    .optional()
    .openapi({ description: 'For a member kommun: which förbund’s figures (when it belongs to several)' }),
});
