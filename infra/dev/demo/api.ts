import type { Narrator } from './narrator';

/** Someone the demo acts as: an agency officer, the förbund, or the person signed in with e-ID. */
export interface Actor {
  name: string;
  token: () => Promise<string>;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** The status this step needs; anything else stops the demo. */
  expect?: number;
  /** One line saying what the answer means. */
  summarise?: (body: Record<string, unknown>, response: Response) => string;
}

export class DemoStepFailed extends Error {
  override readonly name = 'DemoStepFailed';
}

/**
 * One HTTP call as the demo shows it: the request as written, then the answer. The personnummer only
 * ever travels in bodies, as the API requires.
 */
export function createApi(baseUrl: string, narrator: Narrator) {
  return async function call(
    actor: Actor,
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    const extraHeaders = Object.entries(options.headers ?? {})
      .map(([name, value]) => `  ${name}: ${value}`)
      .join('');
    narrator.request(`${actor.name}: ${method} ${path}${extraHeaders}`, options.body);
    const started = Date.now();
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await actor.token()}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const body =
      text.length > 0 && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {};
    const expected = options.expect ?? (method === 'POST' ? 201 : 200);
    if (response.status !== expected) {
      narrator.response(
        response.status,
        `${response.statusText}; expected ${expected}`,
        Date.now() - started,
      );
      throw new DemoStepFailed(
        `${method} ${path} answered ${response.status}: ${body.title ?? text.slice(0, 200)}${
          body.detail ? ` — ${body.detail}` : ''
        }${body.type ? ` (${body.type})` : ''}`,
      );
    }
    narrator.response(
      response.status,
      options.summarise?.(body, response) ?? response.statusText,
      Date.now() - started,
    );
    return body;
  };
}

export type Api = ReturnType<typeof createApi>;
