import { type ApiResult, unwrap } from './problem';
import type { PageInfo } from './types';

/** A paged answer: its items under some key, and `page` saying whether more follow. */
export interface PagedBody {
  page: PageInfo;
}

export interface PaginateOptions {
  /** The first page to ask for (default 1): resume where an earlier run stopped. */
  startPage?: number;
  /** Stop after this many pages even if more follow: a bound for batch jobs. */
  maxPages?: number;
}

/**
 * The page type of a call's result: openapi-fetch answers `{ data: Page } | { data?: never; error }`,
 * so `data` is read from every member and `undefined` dropped.
 */
export type PageOf<Result> = NonNullable<Result extends { data?: infer Data } ? Data : never>;

/**
 * Every page of a `limit`/`page` list, fetching the next only when the previous is consumed and
 * stopping when `page.hasMore` is false. `fetchPage` gets the page number and makes the call (with
 * your filters and `limit`); a refused call throws ProblemError.
 */
export async function* pages<Result extends ApiResult<PagedBody>>(
  fetchPage: (page: number) => Promise<Result>,
  options: PaginateOptions = {},
): AsyncGenerator<PageOf<Result>, void, undefined> {
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  let page = options.startPage ?? 1;
  for (let fetched = 0; fetched < maxPages; fetched++, page++) {
    const body = await unwrap<PagedBody>(fetchPage(page));
    // unwrap checked the call succeeded, so this is the success member's data.
    yield body as PageOf<Result>;
    if (!body.page.hasMore) return;
  }
}

/**
 * Every item of a `limit`/`page` list, across pages: `items` picks them from each page, e.g.
 * `(body) => body.deliveries`. Breaking out of the loop stops fetching.
 */
export async function* paginate<Result extends ApiResult<PagedBody>, Item>(
  fetchPage: (page: number) => Promise<Result>,
  items: (page: PageOf<Result>) => readonly Item[],
  options: PaginateOptions = {},
): AsyncGenerator<Item, void, undefined> {
  for await (const body of pages(fetchPage, options)) {
    const list = items(body);
    yield* list;
    // A page that says "more" but holds nothing would otherwise be asked for forever.
    if (list.length === 0) return;
  }
}
