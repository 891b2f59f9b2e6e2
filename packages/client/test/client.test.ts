import { describe, expect, it } from 'vitest';
import { createSamsynClient } from '../src/client';
import { ProblemError, unwrap } from '../src/problem';

/** A fetch that records each request and answers with `answer`. */
function recorder(answer: () => Response) {
  const requests: Request[] = [];
  return {
    requests,
    fetch: async (request: Request) => {
      requests.push(request);
      return answer();
    },
  };
}

const whoami = {
  party: { id: 'kommun:1281', kind: 'kommun', displayName: 'Lund' },
  officer: 'o',
  scopes: [],
};

describe('createSamsynClient', () => {
  it('sends the provider’s token and the request id, against the base URL', async () => {
    const http = recorder(() => Response.json(whoami));
    let issued = 0;
    const client = createSamsynClient({
      baseUrl: 'https://samsyn.test/',
      tokens: { getToken: async () => `token-${++issued}` },
      requestId: () => 'trace-1',
      fetch: http.fetch,
    });
    await client.GET('/v1/whoami');
    await client.GET('/v1/whoami');
    expect(http.requests.map((r) => r.url)).toEqual([
      'https://samsyn.test/v1/whoami',
      'https://samsyn.test/v1/whoami',
    ]);
    expect(http.requests.map((r) => r.headers.get('authorization'))).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
    expect(http.requests[0]?.headers.get('x-request-id')).toBe('trace-1');
  });

  it('keeps headers the call sets itself', async () => {
    const http = recorder(() => Response.json(whoami));
    const client = createSamsynClient({
      baseUrl: 'https://samsyn.test',
      getToken: () => 'agency-token',
      requestId: () => 'generated',
      fetch: http.fetch,
    });
    await client.GET('/v1/whoami', {
      headers: { authorization: 'Bearer citizen-token', 'x-request-id': 'job-7' },
    });
    expect(http.requests[0]?.headers.get('authorization')).toBe('Bearer citizen-token');
    expect(http.requests[0]?.headers.get('x-request-id')).toBe('job-7');
  });

  it('sends no request id when none is given', async () => {
    const http = recorder(() => Response.json(whoami));
    const client = createSamsynClient({
      baseUrl: 'https://samsyn.test',
      getToken: () => 't',
      fetch: http.fetch,
    });
    await client.GET('/v1/whoami');
    expect(http.requests[0]?.headers.has('x-request-id')).toBe(false);
  });

  it('types problem answers as `error` and unwrap throws them as ProblemError', async () => {
    const problem = {
      type: 'urn:samsyn:problem:insufficient-scope',
      title: 'The access token lacks the scope this operation needs',
      status: 403,
    };
    const http = recorder(
      () =>
        new Response(JSON.stringify(problem), {
          status: 403,
          headers: { 'content-type': 'application/problem+json', 'x-request-id': 'r-9' },
        }),
    );
    const client = createSamsynClient({
      baseUrl: 'https://samsyn.test',
      getToken: () => 't',
      fetch: http.fetch,
    });
    const { error } = await client.GET('/v1/whoami');
    expect(error?.type).toBe(problem.type);
    const thrown = await unwrap(client.GET('/v1/whoami')).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ProblemError);
    expect(thrown).toMatchObject({ code: 'insufficient-scope', requestId: 'r-9' });
  });

  it('fails the call when no token can be had, without sending it', async () => {
    const http = recorder(() => Response.json(whoami));
    const client = createSamsynClient({
      baseUrl: 'https://samsyn.test',
      getToken: () => Promise.reject(new Error('key store unavailable')),
      fetch: http.fetch,
    });
    await expect(client.GET('/v1/whoami')).rejects.toThrow('key store unavailable');
    expect(http.requests).toHaveLength(0);
  });
});
