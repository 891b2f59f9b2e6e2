/**
 * Spectral ruleset for Samsyn's OpenAPI documents: Spectral's own OpenAPI rules, the OWASP API
 * Security Top 10 ruleset, and a local encoding of the Swedish public sector's REST API profile
 * (DIGG, "REST API-profil för svensk offentlig förvaltning"). Written in JavaScript rather than YAML
 * so that the OWASP ruleset is taken from node_modules instead of being fetched from a CDN.
 * Deviations are listed, each with its reason, in openapi/README.md.
 */

import { enumeration, pattern, truthy } from '@stoplight/spectral-functions';
import owasp from '@stoplight/spectral-owasp-ruleset';
import { oas } from '@stoplight/spectral-rulesets';

/** Routes outside `/v{n}/` by design: OAuth, RFC 8615 well-known documents, operations endpoints. */
const UNVERSIONED =
  /^\/(oauth2\/token|\.well-known\/[a-z-]+(\.json)?|healthz|readyz|metrics|openapi\.json|docs)$/;

/** Segment names fixed by other standards (RFC 8615, RFC 8414, RFC 7517) and exempt from kebab-case plurals. */
const STANDARD_SEGMENTS = new Set([
  'oauth2',
  'token',
  '.well-known',
  'jwks.json',
  'oauth-authorization-server',
  'openapi.json',
  'healthz',
  'readyz',
  'metrics',
  'docs',
]);

/**
 * Singular segments under /v1, each a documented deviation (openapi/README.md): the caller itself
 * (whoami), a sub-resource of which there is at most one (a consent's revocation), and the batch
 * form of a collection's create operation. Everything else in a path must be a plural collection.
 */
const SINGLETON_SEGMENTS = new Set([
  'whoami',
  'me',
  'revocation',
  'batch',
  'response',
  'target-group',
  'receipt',
  'access-log',
  'latest',
]);

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function versionedPath(targetPath) {
  if (typeof targetPath !== 'string') return [];
  if (/^\/v[0-9]+\//.test(targetPath) || UNVERSIONED.test(targetPath)) return [];
  return [{ message: `${targetPath} is neither versioned (/v1/…) nor a documented exception` }];
}

function pluralKebabSegments(targetPath) {
  if (typeof targetPath !== 'string') return [];
  const problems = [];
  for (const segment of targetPath.split('/').slice(1)) {
    if (segment.startsWith('{') || /^v[0-9]+$/.test(segment) || STANDARD_SEGMENTS.has(segment)) continue;
    if (!KEBAB.test(segment))
      problems.push({ message: `path segment "${segment}" is not lower-case kebab-case` });
    else if (!segment.endsWith('s') && !SINGLETON_SEGMENTS.has(segment))
      problems.push({ message: `path segment "${segment}" names a collection in the singular` });
  }
  return problems;
}

export default {
  extends: [oas, owasp],
  overrides: [
    {
      // RFC 6749/7523: the token endpoint is authenticated by the signed assertion in its body.
      files: ['*.openapi.json#/paths/~1oauth2~1token'],
      rules: { 'owasp:api2:2023-write-restricted': 'off' },
    },
    {
      // Deviations for every document, each explained in openapi/README.md.
      files: ['*.openapi.json'],
      rules: {
        'owasp:api8:2023-define-cors-origin': 'off',
        'owasp:api8:2023-no-server-http': 'off',
        'owasp:api4:2023-rate-limit': 'off',
      },
    },
  ],
  rules: {
    'digg-versioned-paths': {
      description: 'DIGG: resources live under a major version, /v1/…',
      severity: 'error',
      given: '$.paths',
      then: { field: '@key', function: versionedPath },
    },
    'digg-plural-kebab-case-resources': {
      description: 'DIGG: path segments are lower-case kebab-case; collections are plural',
      severity: 'error',
      given: '$.paths',
      then: { field: '@key', function: pluralKebabSegments },
    },
    'digg-problem-json-errors': {
      description: 'DIGG: every 4xx and 5xx response is RFC 9457 application/problem+json',
      severity: 'error',
      // The OAuth token endpoint answers errors in RFC 6749 §5.2 format: see openapi/README.md.
      given: "$.paths[?(@property != '/oauth2/token')][*].responses[?(@property.match(/^[45]/))].content",
      then: { field: 'application/problem+json', function: truthy },
    },
    'digg-utc-date-times': {
      description:
        'DIGG: instants are RFC 3339 date-times (returned in UTC); properties named …At carry format date-time',
      severity: 'error',
      given: '$..properties[?(@property.match(/[a-z]At$/))]',
      then: [
        { field: 'format', function: truthy },
        { field: 'format', function: enumeration, functionOptions: { values: ['date-time'] } },
      ],
    },
    'digg-dates-are-formatted': {
      description:
        'DIGG: calendar dates are RFC 3339 full-date; properties named …Date/…On/…From/…Until carry a format',
      severity: 'error',
      given: '$..properties[?(@property.match(/[a-z](Date|On|From|Until)$/))]',
      then: { field: 'format', function: truthy },
    },
    'digg-limit-page-pagination': {
      description: 'DIGG: pagination uses limit and page, never offset, cursor, size or per_page',
      severity: 'error',
      given: "$.paths[*][*].parameters[?(@.in == 'query')].name",
      then: {
        function: pattern,
        functionOptions: { notMatch: '^(offset|cursor|size|per_?page|page_?size|skip|take)$' },
      },
    },
    'digg-pagination-has-default': {
      description: 'DIGG: limit and page have a default value',
      severity: 'error',
      given: "$.paths[*][*].parameters[?(@.in == 'query' && (@.name == 'limit' || @.name == 'page'))].schema",
      then: { field: 'default', function: truthy },
    },
    'digg-no-personnummer-in-url': {
      description: 'DIGG and GDPR: no personal identity number in a path or query parameter',
      severity: 'error',
      given: "$.paths[*][*].parameters[?(@.in == 'path' || @.in == 'query')].name",
      then: {
        function: pattern,
        functionOptions: { notMatch: '/(person|pnr|ssn|samordningsnummer|identity.?number|birth)/i' },
      },
    },
    'digg-no-personnummer-in-path-template': {
      description: 'DIGG and GDPR: no path template names a personal identity number',
      severity: 'error',
      given: '$.paths',
      then: { field: '@key', function: pattern, functionOptions: { notMatch: '/(personnummer|pnr|ssn)/i' } },
    },
    'digg-bearer-tokens-only': {
      description: 'DIGG: callers authenticate with bearer tokens only (no API keys, no basic auth)',
      severity: 'error',
      given: '$.components.securitySchemes[*]',
      then: [
        { field: 'type', function: enumeration, functionOptions: { values: ['http'] } },
        { field: 'scheme', function: enumeration, functionOptions: { values: ['bearer'] } },
      ],
    },
    'digg-no-credentials-in-query': {
      description: 'DIGG: no token or key is passed as a query parameter',
      severity: 'error',
      given: "$.paths[*][*].parameters[?(@.in == 'query')].name",
      then: { function: pattern, functionOptions: { notMatch: '/(token|api.?key|secret|password)/i' } },
    },
  },
};
