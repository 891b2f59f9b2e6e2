import { describe, expect, expectTypeOf, it } from 'vitest';
import { pages, paginate } from '../src/paginate';
import { ProblemError } from '../src/problem';
import type { Schema } from '../src/types';

type DeliveryList = Schema<'DeliveryList'>;

/** A fake list of `total` items served `limit` per page, as the gateway's `limit`/`page` routes do. */
function list(total: number, limit: number) {
  const asked: number[] = [];
  const fetchPage = async (page: number) => {
    asked.push(page);
    const start = (page - 1) * limit;
    const items = Array.from({ length: Math.max(0, Math.min(limit, total - start)) }, (_, i) => start + i);
    const body = { items, page: { limit, page, hasMore: start + limit < total } };
    return { data: body, response: new Response(JSON.stringify(body), { status: 200 }) };
  };
  return { asked, fetchPage };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of iterable) all.push(item);
  return all;
}

describe('paginate', () => {
  it('yields every item across pages and stops when hasMore is false', async () => {
    const { asked, fetchPage } = list(7, 3);
    expect(await collect(paginate(fetchPage, (body) => body.items))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(asked).toEqual([1, 2, 3]);
  });

  it('asks for one page of an empty list', async () => {
    const { asked, fetchPage } = list(0, 3);
    expect(await collect(paginate(fetchPage, (body) => body.items))).toEqual([]);
    expect(asked).toEqual([1]);
  });

  it('fetches lazily: breaking out of the loop stops fetching', async () => {
    const { asked, fetchPage } = list(100, 10);
    for await (const item of paginate(fetchPage, (body) => body.items)) if (item === 12) break;
    expect(asked).toEqual([1, 2]);
  });

  it('starts at startPage and stops after maxPages', async () => {
    const { asked, fetchPage } = list(100, 10);
    expect(
      await collect(paginate(fetchPage, (body) => body.items, { startPage: 3, maxPages: 2 })),
    ).toHaveLength(20);
    expect(asked).toEqual([3, 4]);
  });

  it('stops on an empty page even if it claims more, rather than loop', async () => {
    let calls = 0;
    const fetchPage = async (page: number) => {
      calls++;
      const body = { items: [] as number[], page: { limit: 10, page, hasMore: true } };
      return { data: body, response: new Response('{}') };
    };
    expect(await collect(paginate(fetchPage, (body) => body.items))).toEqual([]);
    expect(calls).toBe(1);
  });

  it('throws the refusal of a page as a ProblemError', async () => {
    const problem = { type: 'urn:samsyn:problem:insufficient-scope', title: 'no', status: 403 };
    const fetchPage = async (_page: number) => ({
      error: problem,
      response: new Response(JSON.stringify(problem), { status: 403 }),
    });
    const error = await collect(pages(fetchPage)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ code: 'insufficient-scope', status: 403 });
  });

  it('types the page from an openapi-fetch style result and the items from the selector', () => {
    type Result =
      | { data: DeliveryList; error?: never; response: Response }
      | { data?: never; error: { type: string }; response: Response };
    const fetchPage = async (_page: number): Promise<Result> => ({
      data: { deliveries: [], page: { limit: 1, page: 1, hasMore: false } },
      response: new Response('{}'),
    });
    expectTypeOf(pages(fetchPage)).toEqualTypeOf<AsyncGenerator<DeliveryList, void, undefined>>();
    expectTypeOf(paginate(fetchPage, (body) => body.deliveries)).toEqualTypeOf<
      AsyncGenerator<DeliveryList['deliveries'][number], void, undefined>
    >();
    // @ts-expect-error `page` is not a list of items
    paginate(fetchPage, (body) => body.page);
  });
});
