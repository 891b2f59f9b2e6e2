import { describe, expect, it } from 'vitest';
// The catalogue's own module, not the package: it is all this test needs of the server side.
import { problemCatalogue } from '../../http/src/problems';
import { isProblem, ProblemError, problemCodes, problemType, unwrap } from '../src/problem';

describe('problem codes', () => {
  it('are exactly the gateway’s catalogue, so a new code reaches the SDK’s types', () => {
    expect([...problemCodes].sort()).toEqual(Object.keys(problemCatalogue).sort());
  });

  it('name their URN', () => {
    expect(problemType('consent-required')).toBe('urn:samsyn:problem:consent-required');
  });
});

describe('ProblemError', () => {
  it('carries type, code, status, field errors and the request id of a problem answer', () => {
    const body = {
      type: 'urn:samsyn:problem:validation-failed',
      title: 'The request does not match the schema',
      status: 422,
      errors: [{ location: 'body', pointer: '/validUntil', detail: 'must be after validFrom' }],
    };
    const response = new Response(JSON.stringify(body), {
      status: 422,
      headers: { 'x-request-id': 'req-1' },
    });
    const error = ProblemError.fromResponse(response, body);
    expect(error).toMatchObject({
      type: body.type,
      code: 'validation-failed',
      status: 422,
      errors: body.errors,
      requestId: 'req-1',
    });
    expect(error.message).toContain('validation-failed');
  });

  it('makes an about:blank problem of an answer that is not one', () => {
    const response = new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    const error = ProblemError.fromResponse(response, '<html>bad gateway</html>');
    expect(error).toMatchObject({ type: 'about:blank', code: undefined, status: 502, errors: [] });
  });

  it('leaves code undefined for a URN outside the vocabulary', () => {
    const error = new ProblemError({ type: 'urn:samsyn:problem:from-the-future', title: 'x', status: 400 });
    expect(error.code).toBeUndefined();
  });
});

describe('isProblem', () => {
  it('checks the shape', () => {
    expect(isProblem({ type: 'about:blank', title: 'x', status: 500 })).toBe(true);
    expect(isProblem({ error: 'invalid_grant' })).toBe(false);
    expect(isProblem('text')).toBe(false);
    expect(isProblem(null)).toBe(false);
  });
});

describe('unwrap', () => {
  it('returns the data of a 2xx and throws a ProblemError otherwise', async () => {
    expect(await unwrap({ data: { ok: 1 }, response: new Response('{}') })).toEqual({ ok: 1 });
    const problem = { type: 'urn:samsyn:problem:not-found', title: 'No such resource', status: 404 };
    const refused = unwrap({ error: problem, response: new Response('{}', { status: 404 }) });
    await expect(refused).rejects.toMatchObject({ name: 'ProblemError', code: 'not-found' });
  });
});
