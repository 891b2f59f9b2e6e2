import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForumListSchema, ForumSchema } from '../src/schemas';
import {
  createForum,
  expectProblem,
  forumBody,
  startWorld,
  storedCounts,
  unknownId,
  type World,
} from './harness';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

describe('creating a forum', () => {
  it('answers 201 with the members, their contact persons and registered names, convened by the creator', async () => {
    const { kommun, fk } = world;
    const response = await world.call(kommun, 'POST', '/v1/forums', forumBody(world, [kommun, fk]));
    expect(response.status).toBe(201);
    const forum = ForumSchema.parse(await response.json());
    expect(response.headers.get('location')).toBe(`/v1/forums/${forum.id}`);
    expect(forum).toMatchObject({
      name: 'Konsultationsteam Söder',
      forbund: world.forbund.id,
      convener: kommun.id,
      rhythm: 'monthly',
      durationMinutes: 180,
      place: 'Stadsområde Söder, rum 2',
      videoLink: null,
      nextMeeting: null,
      waitingCases: 0,
      createdBy: { party: kommun.id, officer: `${kommun.id}-officer` },
    });
    expect(forum.members).toEqual([
      {
        party: kommun.id,
        displayName: 'Malmö stad (test)',
        contacts: [
          {
            name: 'Maja Lindqvist',
            role: 'Kontaktperson',
            email: 'kontakt0@example.se',
            phone: '010-116 00 00',
          },
        ],
      },
      {
        party: fk.id,
        displayName: 'Försäkringskassan',
        contacts: [
          {
            name: 'Omar Said',
            role: 'Specialist sjukförsäkring',
            email: 'kontakt1@example.se',
            phone: '010-116 00 00',
          },
        ],
      },
    ]);
  });

  it('lets the creator name another member as convener, and a video link instead of a place', async () => {
    const { kommun, region, fk, af } = world;
    const forum = await createForum(world, [region, kommun, fk, af], {
      name: 'Arena',
      convener: kommun.id,
      place: null,
      videoLink: 'https://meet.example.se/arena',
      rhythm: 'every_other_week',
    });
    expect(forum).toMatchObject({
      convener: kommun.id,
      place: null,
      videoLink: 'https://meet.example.se/arena',
    });
    expect(forum.members.map((m) => m.party)).toEqual([region.id, kommun.id, fk.id, af.id]);
  });

  it('refuses what breaks the membership rules, naming each field, and stores nothing', async () => {
    const { kommun, kommun2, fk, forbund, stranger } = world;
    const before = await storedCounts(world);
    const cases: Array<[string, Record<string, unknown>, number, string, string]> = [
      ['without the caller', forumBody(world, [kommun2, fk]), 422, 'validation-failed', '/members'],
      [
        'a member named twice',
        forumBody(world, [kommun, fk, fk]),
        422,
        'validation-failed',
        '/members/2/party',
      ],
      [
        'a förbund as member',
        forumBody(world, [kommun, forbund]),
        422,
        'validation-failed',
        '/members/1/party',
      ],
      [
        'a convener outside the forum',
        forumBody(world, [kommun, fk], { convener: kommun2.id }),
        422,
        'validation-failed',
        '/convener',
      ],
      [
        'a kommun outside the förbund',
        forumBody(world, [kommun, stranger]),
        422,
        'validation-failed',
        '/members/1/party',
      ],
      [
        'an unregistered party',
        forumBody(world, [kommun, { id: 'kommun:0001', kind: 'kommun', privateJwk: {} }]),
        422,
        'unknown-party',
        '/members/1/party',
      ],
      [
        'a förbund that is not registered',
        forumBody(world, [kommun, fk], { forbund: 'forbund:finns-inte' }),
        422,
        'unknown-party',
        '/forbund',
      ],
      [
        'a kommun as förbund',
        forumBody(world, [kommun, fk], { forbund: kommun2.id }),
        422,
        'validation-failed',
        '/forbund',
      ],
      ['only one member', forumBody(world, [kommun]), 422, 'validation-failed', '/members'],
      [
        'no place and no link',
        forumBody(world, [kommun, fk], { place: null }),
        422,
        'validation-failed',
        '/place',
      ],
      [
        'a plain http video link',
        forumBody(world, [kommun, fk], { videoLink: 'http://meet.example.se/x' }),
        422,
        'validation-failed',
        '/videoLink',
      ],
    ];
    for (const [what, body, status, type, pointer] of cases) {
      const response = await world.call(kommun, 'POST', '/v1/forums', body);
      const problem = await expectProblem(response, status, type);
      expect(
        problem.errors?.map((e) => e.pointer),
        what,
      ).toContain(pointer);
    }
    expect(await storedCounts(world)).toEqual(before);
  });

  it('admits FK and AF to any förbund’s forum: they belong to every förbund by law', async () => {
    const forum = await createForum(world, [world.fk, world.af, world.kommun2]);
    expect(forum.convener).toBe(world.fk.id);
  });
});

describe('reading and changing a forum', () => {
  it('shows a forum to its members only, and lists each party’s own forums', async () => {
    const { kommun, kommun2, fk, region } = world;
    const forum = await createForum(world, [kommun2, region], { name: 'Aaa forum för listan' });
    expect((await world.call(region, 'GET', `/v1/forums/${forum.id}`)).status).toBe(200);
    for (const outsider of [kommun, fk]) {
      const missing = await expectProblem(
        await world.call(outsider, 'GET', `/v1/forums/${forum.id}`),
        404,
        'not-found',
      );
      const unknown = await expectProblem(
        await world.call(outsider, 'GET', `/v1/forums/${unknownId()}`),
        404,
        'not-found',
      );
      expect(missing.detail).toBe(unknown.detail);
    }
    const listed = ForumListSchema.parse(
      await (await world.call(kommun2, 'GET', '/v1/forums?limit=1')).json(),
    );
    expect(listed.forums.map((f) => f.id)).toEqual([forum.id]);
    expect(listed.page).toEqual({ limit: 1, page: 1, hasMore: true });
    const regionForums = ForumListSchema.parse(await (await world.call(region, 'GET', '/v1/forums')).json());
    expect(regionForums.forums.every((f) => f.members.some((m) => m.party === region.id))).toBe(true);
  });

  it('lets the convener change contacts, rhythm and convener, but not the membership', async () => {
    const { kommun, fk } = world;
    const forum = await createForum(world, [kommun, fk]);
    const changed = await world.call(kommun, 'PATCH', `/v1/forums/${forum.id}`, {
      rhythm: 'quarterly',
      convener: fk.id,
      members: [
        { party: fk.id, contacts: [{ name: 'Eva Berg', role: 'Handläggare' }] },
        { party: kommun.id, contacts: [] },
      ],
    });
    expect(changed.status).toBe(200);
    const view = ForumSchema.parse(await changed.json());
    expect(view).toMatchObject({ rhythm: 'quarterly', convener: fk.id });
    expect(view.members.find((m) => m.party === fk.id)?.contacts).toEqual([
      { name: 'Eva Berg', role: 'Handläggare', email: null, phone: null },
    ]);
    // The kommun is no longer the convener.
    await expectProblem(
      await world.call(kommun, 'PATCH', `/v1/forums/${forum.id}`, { rhythm: 'monthly' }),
      403,
      'role-required',
    );
    const membership = await expectProblem(
      await world.call(fk, 'PATCH', `/v1/forums/${forum.id}`, {
        members: [
          { party: fk.id, contacts: [] },
          { party: world.af.id, contacts: [] },
        ],
      }),
      422,
      'validation-failed',
    );
    expect(membership.errors?.[0]?.pointer).toBe('/members');
    await expectProblem(
      await world.call(world.kommun2, 'PATCH', `/v1/forums/${forum.id}`, { rhythm: 'monthly' }),
      404,
      'not-found',
    );
  });
});

describe('scopes', () => {
  it('needs consultation:read to read and consultation:write to write', async () => {
    const { kommun, fk } = world;
    const forum = await createForum(world, [kommun, fk]);
    const readOnly = await world.token(kommun, 'whoami consultation:read');
    const noConsultation = await world.token(kommun, 'whoami status:read');
    const send = (token: string, method: string, path: string, body?: unknown) =>
      fetch(`${world.gateway.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await send(readOnly, 'GET', `/v1/forums/${forum.id}`)).status).toBe(200);
    await expectProblem(
      await send(noConsultation, 'GET', `/v1/forums/${forum.id}`),
      403,
      'insufficient-scope',
    );
    await expectProblem(
      await send(readOnly, 'POST', '/v1/forums', forumBody(world, [kommun, fk])),
      403,
      'insufficient-scope',
    );
  });

  it('never issues a förbund a consultation scope: it follows the figures only', async () => {
    await expect(world.gateway.tokenFor(world.forbund, 'whoami consultation:read')).rejects.toThrow();
  });
});
