import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { ZodError } from 'zod';
import type { AppEnv } from './env';
import { type FieldError, type ProblemCode, problemCatalogue, problemResponse } from './problems';

const locationOf: Record<string, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

function escapePointerSegment(segment: PropertyKey): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

export function fieldErrorsOf(error: ZodError, location: string): FieldError[] {
  return error.issues.map((issue) => ({
    location,
    pointer: issue.path.length === 0 ? '' : `/${issue.path.map(escapePointerSegment).join('/')}`,
    detail: issue.message,
  }));
}

/**
 * A schema can ask for a more specific problem than `validation-failed` by raising a custom issue
 * with `params: { problem: <code> }` (the personnummer field does, so clients can branch on it).
 */
export function problemCodeOf(error: ZodError): ProblemCode {
  for (const issue of error.issues) {
    const problem =
      issue.code === 'custom' ? (issue.params as { problem?: string } | undefined)?.problem : undefined;
    if (problem && problem in problemCatalogue) return problem as ProblemCode;
  }
  return 'validation-failed';
}

/**
 * Every service defines its routes on a router made here, so a request that fails validation gets
 * the same problem response everywhere, listing each failing field.
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const errors = fieldErrorsOf(result.error, locationOf[result.target] ?? result.target);
        return problemResponse(
          c,
          problemCodeOf(result.error),
          `${errors.length} field(s) failed validation`,
          {
            errors,
          },
        );
      }
    },
  });
}

type OpenApiRegistration = OpenAPIHono<AppEnv>['openapi'];
type RouteRequest = Parameters<OpenApiRegistration>[0]['request'];

/** Hands the handler each declared request part as sent, where validation would have handed it checked. */
function passUnchecked(request: RouteRequest): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (request?.body) c.req.addValidatedData('json', await c.req.json());
    if (request?.query) c.req.addValidatedData('query', c.req.query());
    if (request?.params) c.req.addValidatedData('param', c.req.param());
    if (request?.headers) c.req.addValidatedData('header', c.req.header());
    await next();
  };
}

/**
 * The same routes with request validation left out, so a benchmark can measure what validation costs
 * on an otherwise identical request. Never mounted in a deployment: the gateway adds it only with
 * `BENCH_ROUTES=true`.
 */
export function createUnvalidatedRouter(): OpenAPIHono<AppEnv> {
  const router = createRouter();
  const register = router.openapi.bind(router);
  router.openapi = ((route, handler, hook) => {
    const { request, middleware, ...rest } = route;
    const own = middleware === undefined ? [] : Array.isArray(middleware) ? middleware : [middleware];
    return register({ ...rest, middleware: [...own, passUnchecked(request)] }, handler, hook);
  }) as OpenApiRegistration;
  return router;
}
