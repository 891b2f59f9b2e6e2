import type { Scope } from '@samsyn/domain';
import { requireScope } from './authenticate';
import { securedProblemResponses } from './problem-schemas';

export const bearerSecurityScheme = 'bearerAuth';

/**
 * Spread into `createRoute` for a protected operation: documents the bearer requirement and the scope,
 * and enforces the scope. Authentication itself runs for every `/v1` path in the host app.
 */
export function secured(scope: Scope) {
  return {
    security: [{ [bearerSecurityScheme]: [] }],
    middleware: [requireScope(scope)],
  };
}

export { securedProblemResponses };
