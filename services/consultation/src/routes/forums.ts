import { randomUUID } from 'node:crypto';
import type { AgencyCaller } from '@samsyn/auth';
import { type ConsultationForum, consultationForums, type Db, type ForumContact, parties } from '@samsyn/db';
import { partyKindOf } from '@samsyn/domain';
import {
  type AppEnv,
  agencyCaller,
  createRoute,
  type FieldError,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  ProblemError,
  paginationQuery,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  type z,
} from '@samsyn/http';
import { and, arrayContains, asc, eq, inArray, sql } from 'drizzle-orm';
import { forumOfMember, refuse, requireConvener } from '../access';
import { baseResponses, problemsSpec } from '../responses';
import {
  CreateForumSchema,
  ForumListSchema,
  ForumSchema,
  idParam,
  type MemberInputSchema,
  UpdateForumSchema,
} from '../schemas';
import { forumView } from '../views';

export const createForumRoute = createRoute({
  method: 'post',
  path: '/v1/forums',
  operationId: 'createForum',
  tags: ['Consultation'],
  summary: 'Create a consultation forum: member parties, contact persons, rhythm and place',
  description:
    'Any agency creates a forum it is a member of, naming at least two member parties with their ' +
    'contact persons, the samordningsförbund it reports to, the convener who calls the meetings ' +
    '(your own party if left out), the rhythm and the place or video link. A kommun or region member ' +
    'must be a member of the förbund; FK and AF are members of every förbund. A förbund is never a ' +
    'member: it follows the figures. Membership is fixed once created, because a named case’s ' +
    'consent names the member parties.',
  ...secured('consultation:write'),
  request: { body: { required: true, content: { 'application/json': { schema: CreateForumSchema } } } },
  responses: {
    201: {
      description: 'Created',
      headers: {
        Location: {
          description: 'The new forum, `/v1/forums/{id}`',
          schema: { type: 'string', maxLength: 100, pattern: '^/v1/forums/[0-9a-f-]{36}$' },
        },
      },
      content: { 'application/json': { schema: ForumSchema } },
    },
    ...baseResponses,
    ...jsonBodyProblemResponses,
    422: problemsSpec('validation-failed', 'unknown-party'),
  },
});

export const listForumsRoute = createRoute({
  method: 'get',
  path: '/v1/forums',
  operationId: 'listForums',
  tags: ['Consultation'],
  summary: 'The forums your party is a member of, by name',
  description: 'Each with its members, contact persons, next meeting and the cases waiting for one.',
  ...secured('consultation:read'),
  request: { query: paginationQuery },
  responses: {
    200: { description: 'One page', content: { 'application/json': { schema: ForumListSchema } } },
    ...baseResponses,
  },
});

export const getForumRoute = createRoute({
  method: 'get',
  path: '/v1/forums/{id}',
  operationId: 'getForum',
  tags: ['Consultation'],
  summary: 'A forum: members, contact persons, rhythm, next meeting',
  description: 'For its members; 404 for anyone else.',
  ...secured('consultation:read'),
  request: { params: idParam },
  responses: {
    200: { description: 'The forum', content: { 'application/json': { schema: ForumSchema } } },
    ...baseResponses,
    404: problemResponseSpec('not-found'),
  },
});

export const updateForumRoute = createRoute({
  method: 'patch',
  path: '/v1/forums/{id}',
  operationId: 'updateForum',
  tags: ['Consultation'],
  summary: 'Change a forum’s name, convener, contact persons, rhythm or place',
  description:
    'For the convener (403 `role-required` for other members). Fields given replace the stored ones; ' +
    '`members` must name the same parties (new contact persons only): membership is fixed.',
  ...secured('consultation:write'),
  request: {
    params: idParam,
    body: { required: true, content: { 'application/json': { schema: UpdateForumSchema } } },
  },
  responses: {
    200: { description: 'The changed forum', content: { 'application/json': { schema: ForumSchema } } },
    ...baseResponses,
    ...jsonBodyProblemResponses,
    403: problemsSpec('insufficient-scope', 'role-required'),
    404: problemResponseSpec('not-found'),
  },
});

type MemberInput = z.infer<typeof MemberInputSchema>;

function contactsOf(members: MemberInput[]): ForumContact[] {
  return members.flatMap((member) => member.contacts.map((contact) => ({ party: member.party, ...contact })));
}

function duplicates(members: MemberInput[]): FieldError[] {
  const seen = new Set<string>();
  return members.flatMap((member, i) => {
    if (!seen.has(member.party)) {
      seen.add(member.party);
      return [];
    }
    return [{ location: 'body', pointer: `/members/${i}/party`, detail: `${member.party} is named twice` }];
  });
}

/**
 * The rules of a forum's membership, every problem at once: the caller and the convener are members,
 * no förbund sits in a forum, every member is a registered active agency, and a kommun or region is
 * a member of the förbund the forum reports to (FK and AF belong to every förbund by law).
 */
async function checkMembership(
  db: Db,
  caller: AgencyCaller,
  input: { forbund: string; convener: string; members: MemberInput[] },
) {
  const memberIds = input.members.map((member) => member.party);
  const errors: FieldError[] = duplicates(input.members);
  if (!memberIds.includes(caller.partyId)) {
    errors.push({
      location: 'body',
      pointer: '/members',
      detail: `must include your own party ${caller.partyId}`,
    });
  }
  if (!memberIds.includes(input.convener)) {
    errors.push({ location: 'body', pointer: '/convener', detail: 'the convener must be a member' });
  }
  input.members.forEach((member, i) => {
    if (partyKindOf(member.party) === 'forbund') {
      errors.push({
        location: 'body',
        pointer: `/members/${i}/party`,
        detail: 'a samordningsförbund follows the figures; it is not a member of a forum',
      });
    }
  });
  if (partyKindOf(input.forbund) !== 'forbund') {
    errors.push({
      location: 'body',
      pointer: '/forbund',
      detail: 'must be a samordningsförbund (forbund:…)',
    });
  }
  if (errors.length > 0)
    throw new ProblemError('validation-failed', `${errors.length} problem(s)`, { errors });

  const registered = await db
    .select({ id: parties.id, kind: parties.kind, memberIds: parties.memberIds })
    .from(parties)
    .where(and(inArray(parties.id, [...memberIds, input.forbund]), eq(parties.active, true)));
  const byId = new Map(registered.map((row) => [row.id, row]));
  const unknown: FieldError[] = [
    ...input.members.flatMap((member, i) =>
      byId.has(member.party)
        ? []
        : [
            {
              location: 'body',
              pointer: `/members/${i}/party`,
              detail: `${member.party} is not a registered, active party`,
            },
          ],
    ),
    ...(byId.get(input.forbund)?.kind === 'forbund'
      ? []
      : [{ location: 'body', pointer: '/forbund', detail: `${input.forbund} is not a registered förbund` }]),
  ];
  if (unknown.length > 0) throw new ProblemError('unknown-party', undefined, { errors: unknown });

  const forbundMembers = byId.get(input.forbund)?.memberIds ?? [];
  const outside: FieldError[] = input.members.flatMap((member, i) => {
    const kind = partyKindOf(member.party);
    if (kind === 'fk' || kind === 'af' || forbundMembers.includes(member.party)) return [];
    return [
      {
        location: 'body',
        pointer: `/members/${i}/party`,
        detail: `${member.party} is not a member of ${input.forbund}`,
      },
    ];
  });
  if (outside.length > 0) {
    throw new ProblemError('validation-failed', 'every kommun and region must belong to the förbund', {
      errors: outside,
    });
  }
}

async function changedForum(
  deps: ServiceDeps,
  caller: AgencyCaller,
  id: string,
  change: z.infer<typeof UpdateForumSchema>,
): Promise<ConsultationForum> {
  return deps.db.transaction(async (tx) => {
    const forum = await forumOfMember(tx, caller, id, { lock: 'update' });
    requireConvener(forum, caller, 'changes the forum');
    if (change.members) {
      const given = change.members.map((member) => member.party);
      const errors = duplicates(change.members);
      const same =
        errors.length === 0 &&
        given.length === forum.memberParties.length &&
        given.every((party) => forum.memberParties.includes(party));
      if (!same) {
        refuse(
          '/members',
          'membership is fixed (named cases rest on consents naming the members): give the same parties, ' +
            'or create a new forum',
        );
      }
    }
    if (change.convener !== undefined && !forum.memberParties.includes(change.convener)) {
      refuse('/convener', 'the convener must be a member');
    }
    const place = change.place !== undefined ? change.place : forum.place;
    const videoLink = change.videoLink !== undefined ? change.videoLink : forum.videoLink;
    if (place === null && videoLink === null) refuse('/place', 'give a place or a video link');
    const [updated] = await tx
      .update(consultationForums)
      .set({
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.convener !== undefined ? { convenerParty: change.convener } : {}),
        ...(change.members !== undefined ? { contacts: contactsOf(change.members) } : {}),
        ...(change.rhythm !== undefined ? { rhythm: change.rhythm } : {}),
        ...(change.durationMinutes !== undefined ? { durationMinutes: change.durationMinutes } : {}),
        place,
        videoLink,
        updatedAt: sql`now()`,
      })
      .where(eq(consultationForums.id, id))
      .returning();
    if (!updated) throw new Error('forum update returned no row');
    return updated;
  });
}

export function registerForums(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  app.openapi(createForumRoute, async (c) => {
    const caller = agencyCaller(c);
    const input = c.req.valid('json');
    const convener = input.convener ?? caller.partyId;
    await checkMembership(deps.db, caller, { forbund: input.forbund, convener, members: input.members });
    const [forum] = await deps.db
      .insert(consultationForums)
      .values({
        id: randomUUID(),
        name: input.name,
        description: input.description,
        forbundId: input.forbund,
        convenerParty: convener,
        memberParties: input.members.map((member) => member.party),
        contacts: contactsOf(input.members),
        rhythm: input.rhythm,
        durationMinutes: input.durationMinutes,
        place: input.place,
        videoLink: input.videoLink,
        createdByParty: caller.partyId,
        createdByOfficer: caller.officerId,
      })
      .returning();
    if (!forum) throw new Error('forum insert returned no row');
    return c.json(await forumView(deps.db, forum), 201, { location: `/v1/forums/${forum.id}` });
  });

  app.openapi(listForumsRoute, async (c) => {
    const caller = agencyCaller(c);
    const { limit, page } = c.req.valid('query');
    const rows = await deps.db
      .select()
      .from(consultationForums)
      .where(arrayContains(consultationForums.memberParties, [caller.partyId]))
      .orderBy(asc(consultationForums.name), asc(consultationForums.id))
      .limit(limit + 1)
      .offset((page - 1) * limit);
    const forums = await Promise.all(rows.slice(0, limit).map((forum) => forumView(deps.db, forum)));
    return c.json({ forums, page: { limit, page, hasMore: rows.length > limit } }, 200);
  });

  app.openapi(getForumRoute, async (c) => {
    const forum = await forumOfMember(deps.db, agencyCaller(c), c.req.valid('param').id);
    return c.json(await forumView(deps.db, forum), 200);
  });

  app.openapi(updateForumRoute, async (c) => {
    const updated = await changedForum(deps, agencyCaller(c), c.req.valid('param').id, c.req.valid('json'));
    return c.json(await forumView(deps.db, updated), 200);
  });
}
