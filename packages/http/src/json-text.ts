import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env';
import { problemResponse } from './problems';

function escapePointerSegment(segment: string | number): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * JSON Pointers (RFC 6901) to every string, or object key, holding U+0000 in a parsed JSON value.
 * PostgreSQL stores no NUL in `text` or `jsonb`, so such a value would fail at the database.
 */
export function nulCharacterPointers(value: unknown, max = 20): string[] {
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
  const found: string[] = [];
  // Iterative, and pointers only for what is found: JSON.parse takes nesting far deeper than the
  // call stack would, and a pointer per node would cost the square of the depth.
  const pending: Place[] = [{ node: value, segment: '', parent: undefined }];
  for (let place = pending.pop(); place && found.length < max; place = pending.pop()) {
    const { node } = place;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) found.push(pointerOf(place));
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--)
        pending.push({ node: node[i], segment: `/${i}`, parent: place });
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, item] of Object.entries(node).reverse()) {
        const child = { node: item, segment: `/${escapePointerSegment(key)}`, parent: place };
        pending.push(child);
        if (key.includes('\u0000')) pending.push({ node: key, segment: '', parent: child });
      }
    }
  }
  return found;
}

/**
 * Refuses a JSON body with a NUL character anywhere (422, naming each place) before any route sees
 * it: no route stores one, and the database would answer a 500. Malformed JSON is left to the route's
 * validator, which answers 400.
 */
export function refuseNulCharacters(isJsonBody: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => boolean) {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (isJsonBody(c)) {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return next();
      }
      const pointers = nulCharacterPointers(body);
      if (pointers.length > 0) {
        return problemResponse(c, 'validation-failed', `${pointers.length} field(s) failed validation`, {
          errors: pointers.map((pointer) => ({
            location: 'body',
            pointer,
            detail: 'must not contain the NUL character (U+0000)',
          })),
        });
      }
    }
    await next();
  };
  return middleware;
}
