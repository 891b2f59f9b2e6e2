import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env';
import { type FieldError, problemResponse } from './problems';

function escapePointerSegment(segment: string | number): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why PostgreSQL could not store this text, or undefined when it can. */
function unstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  // JSON may escape half of a surrogate pair (`"\ud800"`); that is no Unicode text, and `jsonb`
  // refuses it while `text` would silently turn it into U+FFFD.
  if (loneSurrogate.test(text)) return 'must be well-formed Unicode (no lone surrogate)';
  return undefined;
}

/**
 * Every string, or object key, in a parsed JSON value that PostgreSQL cannot store as sent (a NUL
 * character, a lone surrogate), as field errors with JSON Pointers (RFC 6901), at most `max`.
 */
export function unstorableTextErrors(value: unknown, max = 20): FieldError[] {
  interface Place {
    node: unknown;
    segment: string;
    parent: Place | undefined;
  }
  const pointerOf = (place: Place) => {
    const segments: string[] = [];
    for (let at: Place | undefined = place; at?.parent; at = at.parent) segments.push(at.segment);
    return segments.reverse().join('');
  };
  const found: FieldError[] = [];
  // Iterative, and pointers only for what is found: JSON.parse takes nesting far deeper than the
  // call stack would, and a pointer per node would cost the square of the depth.
  const pending: Place[] = [{ node: value, segment: '', parent: undefined }];
  for (let place = pending.pop(); place && found.length < max; place = pending.pop()) {
    const { node } = place;
    if (typeof node === 'string') {
      const detail = unstorable(node);
      if (detail) found.push({ location: 'body', pointer: pointerOf(place), detail });
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--)
        pending.push({ node: node[i], segment: `/${i}`, parent: place });
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, item] of Object.entries(node).reverse()) {
        const child = { node: item, segment: `/${escapePointerSegment(key)}`, parent: place };
        pending.push(child);
        if (unstorable(key)) pending.push({ node: key, segment: '', parent: child });
      }
    }
  }
  return found;
}

/**
 * Refuses a JSON body holding text PostgreSQL cannot store (422, naming each place) before any route
 * sees it: no route means to store a NUL or half a surrogate pair, and the database would answer a
 * 500. Malformed JSON is left to the route's validator, which answers 400.
 */
export function refuseUnstorableText(isJsonBody: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => boolean) {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (isJsonBody(c)) {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return next();
      }
      const errors = unstorableTextErrors(body);
      if (errors.length > 0) {
        return problemResponse(c, 'validation-failed', `${errors.length} field(s) failed validation`, {
          errors,
        });
      }
    }
    await next();
  };
  return middleware;
}
