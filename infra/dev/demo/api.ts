import {
  type ApiResult,
  createSamsynClient,
  type Middleware,
  ProblemError,
  type SamsynClient,
  unwrap,
} from '@samsyn/client';
import type { Narrator } from './narrator';

/** Someone the demo acts as: an agency officer, the förbund, or the person signed in with e-ID. */
export interface Actor {
  name: string;
  /** The typed SDK client, as an agency's integration would hold it. */
  api: SamsynClient;
}

export class DemoStepFailed extends Error {
  override readonly name = 'DemoStepFailed';
}

/** Headers worth showing beside a request: the ones an integrator sets on purpose. */
const shownHeaders = ['idempotency-key', 'prefer'];

/**
 * Prints each request as it leaves, the way an integrator would write it down: who, method, path,
 * the headers they chose and the JSON body. The answer is printed by `answer`, which knows what
 * the step wanted from it.
 */
function narrateRequests(name: string, narrator: Narrator): Middleware {
  return {
    async onRequest({ request }) {
      const url = new URL(request.url);
      const headers = shownHeaders
        .filter((header) => request.headers.has(header))
        .map((header) => `  ${header}: ${request.headers.get(header)}`)
        .join('');
      const text = request.body ? await request.clone().text() : '';
      narrator.request(
        `${name}: ${request.method} ${url.pathname}${url.search}${headers}`,
        text ? JSON.parse(text) : undefined,
      );
      return request;
    },
  };
}

export function createActor(
  name: string,
  baseUrl: string,
  getToken: () => Promise<string>,
  narrator: Narrator,
): Actor {
  const api = createSamsynClient({ baseUrl, getToken });
  api.use(narrateRequests(name, narrator));
  return { name, api };
}

/**
 * Waits for a call made with the SDK and prints its answer: the status and one line saying what it
 * means. A refusal stops the demo with the problem's type and detail.
 */
export function createAnswering(narrator: Narrator) {
  return async function answer<Data>(
    pending: Promise<ApiResult<Data>>,
    summarise: (data: Data, response: Response) => string = (_data, response) => response.statusText,
  ): Promise<Data> {
    const started = Date.now();
    const result = await pending;
    try {
      const data = await unwrap(result);
      narrator.response(result.response.status, summarise(data, result.response), Date.now() - started);
      return data;
    } catch (error) {
      narrator.response(result.response.status, result.response.statusText, Date.now() - started);
      if (error instanceof ProblemError) throw new DemoStepFailed(`${error.status} ${error.message}`);
      throw error;
    }
  };
}

export type Answer = ReturnType<typeof createAnswering>;
