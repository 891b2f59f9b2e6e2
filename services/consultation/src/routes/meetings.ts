import { randomUUID } from 'node:crypto';
import {
  type ConsultationMeeting,
  cancelOpenDeliveries,
  consultationAdvice,
  consultationCases,
  consultationMeetings,
  type DbOrTx,
} from '@samsyn/db';
import {
  type AppEnv,
  agencyCaller,
  createRoute,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  ProblemError,
  paginationQuery,
  problemResponseSpec,
  type ServiceDeps,
  secured,
} from '@samsyn/http';
import { and, asc, count, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { forumOfMember, meetingOfForum, refuse, requireConvener } from '../access';
import { enqueueForumMeetingMessages } from '../messages';
import { baseResponses, problemsSpec } from '../responses';
import {
  CallForumMeetingSchema,
  CancelForumMeetingSchema,
  ForumMeetingListSchema,
  ForumMeetingSchema,
  idParam,
  meetingListQuery,
  meetingParams,
  RescheduleForumMeetingSchema,
} from '../schemas';
import { meetingView } from '../views';

/** How far back a meeting that was held may be recorded: a forum moving from paper lists brings its history. */
const recordableBackMs = 3 * 366 * 86_400_000;

export const callForumMeetingRoute = createRoute({
  method: 'post',
  path: '/v1/forums/{id}/meetings',
  operationId: 'callForumMeeting',
  tags: ['Consultation'],
  summary: 'Call a forum meeting: every member party is invited through the outbox',
  description:
    'For the convener (403 `role-required` for other members). A meeting in the future writes one ' +
    'outbox message per member party (`forum_meeting.called`, ids only) and a reminder a day before ' +
    '(`forum_meeting.reminder`) in the same transaction; the dispatcher delivers them as signed ' +
    'webhooks, as it does SIP invitations. Cases raised while no meeting was scheduled go on its ' +
    'agenda. A meeting in the past (at most three years back) records one that was held, for forums ' +
    'bringing their history from paper lists: nobody is invited. Time, place and length default to ' +
    'the forum’s.',
  ...secured('consultation:write'),
  request: {
    params: idParam,
    body: { required: true, content: { 'application/json': { schema: CallForumMeetingSchema } } },
  },
  responses: {
    201: {
      description: 'Called (or recorded)',
      headers: {
        Location: {
          description: 'The new meeting, `/v1/forums/{id}/meetings/{meetingId}`',
          schema: {
            type: 'string',
            maxLength: 200,
            pattern: '^/v1/forums/[0-9a-f-]{36}/meetings/[0-9a-f-]{36}$',
          },
        },
      },
      content: { 'application/json': { schema: ForumMeetingSchema } },
    },
    ...baseResponses,
    ...jsonBodyProblemResponses,
    403: problemsSpec('insufficient-scope', 'role-required'),
    404: problemResponseSpec('not-found'),
  },
});

export const listForumMeetingsRoute = createRoute({
  method: 'get',
  path: '/v1/forums/{id}/meetings',
  operationId: 'listForumMeetings',
  tags: ['Consultation'],
  summary: 'A forum’s meetings with their agendas, newest first (or the upcoming ones, soonest first)',
  description:
    'For the forum’s members. Each meeting as `GET /v1/forums/{id}/meetings/{meetingId}` shows it; ' +
    '`upcoming=true` for the scheduled meetings not yet started.',
  ...secured('consultation:read'),
  request: { params: idParam, query: paginationQuery.extend(meetingListQuery.shape) },
  responses: {
    200: { description: 'One page', content: { 'application/json': { schema: ForumMeetingListSchema } } },
    ...baseResponses,
    404: problemResponseSpec('not-found'),
  },
});

export const getForumMeetingRoute = createRoute({
  method: 'get',
  path: '/v1/forums/{id}/meetings/{meetingId}',
  operationId: 'getForumMeeting',
  tags: ['Consultation'],
  summary: 'A forum meeting: time, place, the agenda of raised cases, each member’s invitation delivery',
  description:
    'The agenda lists each case without personal data: an anonymised case with its question and ' +
    'background, a named case with its category only (read it with ' +
    '`GET /v1/forums/{id}/cases/{caseId}`, consent-checked and audited). What a webhook receiver ' +
    'fetches after `forum_meeting.*`.',
  ...secured('consultation:read'),
  request: { params: meetingParams },
  responses: {
    200: { description: 'The meeting', content: { 'application/json': { schema: ForumMeetingSchema } } },
    ...baseResponses,
    404: problemResponseSpec('not-found'),
  },
});

export const rescheduleForumMeetingRoute = createRoute({
  method: 'patch',
  path: '/v1/forums/{id}/meetings/{meetingId}',
  operationId: 'rescheduleForumMeeting',
  tags: ['Consultation'],
  summary: 'Move or change a forum meeting; every member is told',
  description:
    'For the convener, before the meeting starts (409 `state-conflict` after, or once cancelled). ' +
    'Sends `forum_meeting.updated` to every member and replaces the reminder.',
  ...secured('consultation:write'),
  request: {
    params: meetingParams,
    body: { required: true, content: { 'application/json': { schema: RescheduleForumMeetingSchema } } },
  },
  responses: {
    200: {
      description: 'The changed meeting',
      content: { 'application/json': { schema: ForumMeetingSchema } },
    },
    ...baseResponses,
    ...jsonBodyProblemResponses,
    403: problemsSpec('insufficient-scope', 'role-required'),
    404: problemResponseSpec('not-found'),
    409: problemResponseSpec('state-conflict'),
  },
});

export const cancelForumMeetingRoute = createRoute({
  method: 'post',
  path: '/v1/forums/{id}/meetings/{meetingId}/cancellations',
  operationId: 'cancelForumMeeting',
  tags: ['Consultation'],
  summary: 'Cancel a forum meeting; every member is told and its cases move on',
  description:
    'For the convener. Before the meeting: `forum_meeting.cancelled` to every member, the reminder ' +
    'dropped. A meeting that has started (one recorded by mistake, say) may be cancelled while none ' +
    'of its cases is answered; nobody is told. Either way its cases go to the next scheduled meeting, ' +
    'or wait for the next one called.',
  ...secured('consultation:write'),
  request: {
    params: meetingParams,
    body: { required: true, content: { 'application/json': { schema: CancelForumMeetingSchema } } },
  },
  responses: {
    200: {
      description: 'The cancelled meeting (its agenda now empty)',
      content: { 'application/json': { schema: ForumMeetingSchema } },
    },
    ...baseResponses,
    ...jsonBodyProblemResponses,
    403: problemsSpec('insufficient-scope', 'role-required'),
    404: problemResponseSpec('not-found'),
    409: problemResponseSpec('state-conflict'),
  },
});

/** The forum's next scheduled meeting that has not started, other than `except`. */
export async function nextMeeting(
  db: DbOrTx,
  forumId: string,
  except?: string,
): Promise<ConsultationMeeting | undefined> {
  const [next] = await db
    .select()
    .from(consultationMeetings)
    .where(
      and(
        eq(consultationMeetings.forumId, forumId),
        eq(consultationMeetings.status, 'scheduled'),
        gt(consultationMeetings.startsAt, new Date()),
        except ? ne(consultationMeetings.id, except) : undefined,
      ),
    )
    .orderBy(asc(consultationMeetings.startsAt))
    .limit(1);
  return next;
}

function scheduledAndAhead(meeting: ConsultationMeeting, what: string) {
  if (meeting.status === 'cancelled') throw new ProblemError('state-conflict', 'the meeting is cancelled');
  if (meeting.startsAt <= new Date())
    throw new ProblemError('state-conflict', `the meeting has started: it cannot be ${what}`);
}

export function registerMeetings(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(callForumMeetingRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const meeting = await deps.db.transaction(async (tx) => {
      // Locked against raises (which lock it shared): a case raised meanwhile either waits and is
      // taken onto this meeting, or sees this meeting as the next one.
      const forum = await forumOfMember(tx, caller, id, { lock: 'update' });
      requireConvener(forum, caller, 'calls the meetings');
      const now = new Date();
      const startsAt = new Date(input.startsAt);
      if (startsAt.getTime() < now.getTime() - recordableBackMs)
        refuse('/startsAt', 'a meeting that was held can be recorded at most three years back');
      const place = input.place !== undefined ? input.place : forum.place;
      const videoLink = input.videoLink !== undefined ? input.videoLink : forum.videoLink;
      if (place === null && videoLink === null) refuse('/place', 'give a place or a video link');
      const [called] = await tx
        .insert(consultationMeetings)
        .values({
          id: randomUUID(),
          forumId: id,
          startsAt,
          durationMinutes: input.durationMinutes ?? forum.durationMinutes,
          place,
          videoLink,
          theme: input.theme,
          calledByParty: caller.partyId,
          calledByOfficer: caller.officerId,
        })
        .returning();
      if (!called) throw new Error('meeting insert returned no row');
      if (startsAt > now) {
        await tx
          .update(consultationCases)
          .set({ meetingId: called.id, updatedAt: sql`now()` })
          .where(and(eq(consultationCases.forumId, id), isNull(consultationCases.meetingId)));
        await enqueueForumMeetingMessages(tx, called, forum.memberParties, 'forum_meeting.called');
      }
      return called;
    });
    return c.json(await meetingView(deps.db, meeting), 201, {
      location: `/v1/forums/${id}/meetings/${meeting.id}`,
    });
  });

  app.openapi(listForumMeetingsRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id } = c.req.valid('param');
    const { limit, page, upcoming } = c.req.valid('query');
    await forumOfMember(deps.db, caller, id);
    const rows = await deps.db
      .select()
      .from(consultationMeetings)
      .where(
        and(
          eq(consultationMeetings.forumId, id),
          upcoming
            ? and(eq(consultationMeetings.status, 'scheduled'), gt(consultationMeetings.startsAt, new Date()))
            : undefined,
        ),
      )
      .orderBy(
        upcoming ? asc(consultationMeetings.startsAt) : desc(consultationMeetings.startsAt),
        asc(consultationMeetings.id),
      )
      .limit(limit + 1)
      .offset((page - 1) * limit);
    const meetings = await Promise.all(rows.slice(0, limit).map((meeting) => meetingView(deps.db, meeting)));
    return c.json({ meetings, page: { limit, page, hasMore: rows.length > limit } }, 200);
  });

  app.openapi(getForumMeetingRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id, meetingId } = c.req.valid('param');
    await forumOfMember(deps.db, caller, id);
    const meeting = await meetingOfForum(deps.db, id, meetingId);
    return c.json(await meetingView(deps.db, meeting), 200);
  });

  app.openapi(rescheduleForumMeetingRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id, meetingId } = c.req.valid('param');
    const change = c.req.valid('json');
    const updated = await deps.db.transaction(async (tx) => {
      const forum = await forumOfMember(tx, caller, id, { lock: 'update' });
      requireConvener(forum, caller, 'moves the meetings');
      const meeting = await meetingOfForum(tx, id, meetingId, { forUpdate: true });
      scheduledAndAhead(meeting, 'moved');
      const startsAt = change.startsAt ? new Date(change.startsAt) : meeting.startsAt;
      if (startsAt <= new Date()) refuse('/startsAt', 'a meeting is moved to a future time');
      const place = change.place !== undefined ? change.place : meeting.place;
      const videoLink = change.videoLink !== undefined ? change.videoLink : meeting.videoLink;
      if (place === null && videoLink === null) refuse('/place', 'give a place or a video link');
      const [row] = await tx
        .update(consultationMeetings)
        .set({
          startsAt,
          durationMinutes: change.durationMinutes ?? meeting.durationMinutes,
          place,
          videoLink,
          ...(change.theme !== undefined ? { theme: change.theme } : {}),
          version: sql`${consultationMeetings.version} + 1`,
          updatedAt: sql`now()`,
        })
        .where(eq(consultationMeetings.id, meetingId))
        .returning();
      if (!row) throw new Error('meeting update returned no row');
      await enqueueForumMeetingMessages(tx, row, forum.memberParties, 'forum_meeting.updated');
      return row;
    });
    return c.json(await meetingView(deps.db, updated), 200);
  });

  app.openapi(cancelForumMeetingRoute, async (c) => {
    const caller = agencyCaller(c);
    const { id, meetingId } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const cancelled = await deps.db.transaction(async (tx) => {
      const forum = await forumOfMember(tx, caller, id, { lock: 'update' });
      requireConvener(forum, caller, 'cancels the meetings');
      const meeting = await meetingOfForum(tx, id, meetingId, { forUpdate: true });
      if (meeting.status === 'cancelled')
        throw new ProblemError('state-conflict', 'the meeting is cancelled');
      const started = meeting.startsAt <= new Date();
      if (started) {
        const [answered] = await tx
          .select({ n: count() })
          .from(consultationAdvice)
          .innerJoin(consultationCases, eq(consultationCases.id, consultationAdvice.caseId))
          .where(eq(consultationCases.meetingId, meetingId));
        if ((answered?.n ?? 0) > 0)
          throw new ProblemError('state-conflict', 'the meeting was held: its cases have been answered');
      }
      const [row] = await tx
        .update(consultationMeetings)
        .set({
          status: 'cancelled',
          cancellationReason: reason ?? null,
          version: sql`${consultationMeetings.version} + 1`,
          updatedAt: sql`now()`,
        })
        .where(eq(consultationMeetings.id, meetingId))
        .returning();
      if (!row) throw new Error('meeting update returned no row');
      const next = await nextMeeting(tx, id, meetingId);
      await tx
        .update(consultationCases)
        .set({ meetingId: next?.id ?? null, updatedAt: sql`now()` })
        .where(eq(consultationCases.meetingId, meetingId));
      if (started) await cancelOpenDeliveries(tx, { meetingId });
      else await enqueueForumMeetingMessages(tx, row, forum.memberParties, 'forum_meeting.cancelled');
      return row;
    });
    return c.json(await meetingView(deps.db, cancelled), 200);
  });
}
