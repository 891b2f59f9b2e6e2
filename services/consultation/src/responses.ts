import {
  commonProblemResponses,
  type ProblemCode,
  ProblemSchema,
  problemCatalogue,
  securedProblemResponses,
} from '@samsyn/http';

/**
 * One documented response for several problems that share a status (403 for a missing scope, a
 * consent or a role; 422 for the schema or personal data in a text): OpenAPI has one response per
 * status, so its description names every problem type it may carry.
 */
export function problemsSpec(...codes: [ProblemCode, ...ProblemCode[]]) {
  return {
    description: codes.map((code) => `\`${code}\`: ${problemCatalogue[code].title}`).join('; '),
    content: { 'application/problem+json': { schema: ProblemSchema } },
  };
}

/** The responses every route of the service can give: the secured set and the common set. */
export const baseResponses = { ...securedProblemResponses, ...commonProblemResponses } as const;
