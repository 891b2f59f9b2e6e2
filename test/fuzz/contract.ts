import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sealAuditLog } from '@samsyn/audit';
import { generateSigningJwk } from '@samsyn/auth';
import { signAssertion } from '@samsyn/client';
import { auditTreeHeads, deliveries, invitations, meetings, parties, sequenceAuditLog } from '@samsyn/db';
import { categories, luhnValid, parsePersonNumber } from '@samsyn/domain';
import { problemCatalogue, problemTypePrefix } from '@samsyn/http';
import {
  createTestCitizenIssuer,
  createTestConsent,
  createTestParty,
  exampleStatusEvent,
  type TestParty,
  watchPersonnummer,
} from '@samsyn/testkit';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { importJWK, SignJWT } from 'jose';
import postgres from 'postgres';
import { jwtBearer, startTestGateway, type TestGateway } from '../../services/gateway/test/harness';

/**
 * Contract-driven fuzzing of the gateway: every operation of `openapi/gateway.openapi.json` gets
 * requests generated from its JSON Schemas with fast-check, valid ones and mutated ones, sent over
 * real HTTP to the real gateway on the real PostgreSQL and Redis. Each response is held to the
 * contract's invariants: no 5xx, every error is problem+json with a documented `type` (OAuth's own
 * format on the token endpoint), and a rejected request stores nothing.
 */

// ---------------------------------------------------------------------------------------------
// The contract
// ---------------------------------------------------------------------------------------------

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  description?: string;
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: JsonSchema; example?: unknown }>;
}

interface OperationObject {
  operationId: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<ParameterObject | { $ref: string }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, ResponseObject>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, JsonSchema>; parameters?: Record<string, ParameterObject> };
}

export interface Operation {
  id: string;
  method: string;
  path: string;
  secured: boolean;
  parameters: ParameterObject[];
  body?: { contentType: string; schema: JsonSchema; required: boolean };
  /** Documented status codes, each with its documented content types. */
  responses: Map<number, string[]>;
}

const httpMethods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

export const contractPath = new URL('../../openapi/gateway.openapi.json', import.meta.url);

export function loadContract(file: URL = contractPath): {
  document: OpenApiDocument;
  operations: Operation[];
} {
  const document = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!httpMethods.has(method)) continue;
      const parameters = (operation.parameters ?? []).map((p) => {
        if ('$ref' in p) {
          const resolved = document.components.parameters?.[p.$ref.split('/').pop() ?? ''];
          if (!resolved) throw new Error(`unresolvable parameter ${p.$ref}`);
          return resolved;
        }
        return p;
      });
      const [contentType, media] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
      const responses = new Map<number, string[]>();
      for (const [status, response] of Object.entries(operation.responses)) {
        responses.set(Number(status), Object.keys(response.content ?? {}));
      }
      operations.push({
        id: operation.operationId,
        method: method.toUpperCase(),
        path,
        secured: (operation.security ?? []).length > 0,
        parameters,
        ...(contentType && media
          ? {
              body: { contentType, schema: media.schema, required: operation.requestBody?.required ?? false },
            }
          : {}),
        responses,
      });
    }
  }
  return { document, operations };
}

/** Every `urn:samsyn:problem:*` the document names in its descriptions and examples. */
export function problemTypesInDocument(document: OpenApiDocument): string[] {
  const found = JSON.stringify(document).match(/urn:samsyn:problem:[a-z0-9-]+/g) ?? [];
  return [...new Set(found)].sort();
}

/** The closed vocabulary an error response may use: the catalogue in packages/http. */
export const documentedProblemTypes = new Set(
  Object.keys(problemCatalogue).map((code) => `${problemTypePrefix}${code}`),
);

/**
 * Where the gateway knowingly answers outside its document, reported to the owner and left there:
 * each rewrites the body to what the document allows and says whether it had to. Counted, not failed.
 */
export const knownDeviations: Array<{
  name: string;
  operations: RegExp;
  normalise: (body: unknown) => boolean;
}> = [
  {
    // `sip_activity` is an overlapping table of event counts (SIPs, meetings, invitations) over a base
    // of people, so a share can pass 1 where MetricsCell.share documents at most 1.
    name: 'metrics share above 1 (services/metrics flows: sip_activity counts events, not people)',
    operations: /^get(Flows|TargetGroup|Outcomes)$/,
    normalise: (body) => {
      let changed = false;
      const tables = isRecord(body) && Array.isArray(body.tables) ? body.tables : [];
      for (const table of tables) {
        const cells = isRecord(table) && Array.isArray(table.cells) ? table.cells : [];
        for (const cell of cells) {
          if (isRecord(cell) && typeof cell.share === 'number' && cell.share > 1) {
            cell.share = 1;
            changed = true;
          }
        }
      }
      return changed;
    },
  },
];

/**
 * Validates response bodies against the schemas the document gives for that status and media type
 * (JSON Schema 2020-12, as OpenAPI 3.1 has it), with Ajv. Unknown keywords (`example`,
 * `discriminator`) are annotations here.
 */
export class ResponseSchemas {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false, logger: false });
  private readonly compiled = new Map<string, ValidateFunction | undefined>();
  private static readonly base = 'https://samsyn.invalid/gateway.openapi.json';

  constructor(
    private readonly document: OpenApiDocument,
    private readonly operations: Map<string, Operation>,
  ) {
    addFormats(this.ajv);
    this.ajv.addFormat('int32', {
      type: 'number',
      validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
    });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
    this.ajv.addSchema({ $id: ResponseSchemas.base, components: this.rebased(document.components) });
  }

  private rebased<T>(value: T): T {
    return JSON.parse(
      JSON.stringify(value).replaceAll('"#/components/', `"${ResponseSchemas.base}#/components/`),
    ) as T;
  }

  private validatorFor(operationId: string, status: number, mediaType: string): ValidateFunction | undefined {
    const key = `${operationId} ${status} ${mediaType}`;
    if (this.compiled.has(key)) return this.compiled.get(key);
    const operation = this.operations.get(operationId);
    const path = operation
      ? this.document.paths[operation.path]?.[operation.method.toLowerCase()]
      : undefined;
    let schema = path?.responses[String(status)]?.content?.[mediaType]?.schema;
    // A status the operation does not list is still an RFC 9457 problem.
    if (!schema && mediaType === 'application/problem+json')
      schema = { $ref: '#/components/schemas/Problem' };
    const validate = schema ? this.ajv.compile(this.rebased(schema)) : undefined;
    this.compiled.set(key, validate);
    return validate;
  }

  /** Why the body does not match its documented schema, or undefined when it does (or none is given). */
  mismatch(operationId: string, status: number, mediaType: string, body: unknown): string | undefined {
    const validate = this.validatorFor(operationId, status, mediaType);
    if (!validate || validate(body)) return undefined;
    return (validate.errors ?? [])
      .slice(0, 3)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
      .join('; ');
  }
}

// ---------------------------------------------------------------------------------------------
// Values from JSON Schema
// ---------------------------------------------------------------------------------------------

/** What the seeded gateway holds, so valid requests can name things that exist. */
export interface Pools {
  personnummer: string[];
  unregisteredPersonnummer: string[];
  parties: string[];
  forbund: string[];
  consents: string[];
  representations: string[];
  sips: string[];
  meetings: string[];
  invitations: string[];
  deliveries: string[];
  /** Consents that no SIP rests on, for the revocation routes, so the SIPs stay open a while. */
  revocableConsents: string[];
  /** Who each consent is about, so a valid SIP names the person its consent covers. */
  consentPerson: Record<string, string>;
  /** Whom each invitation is addressed to. */
  invitationCaller: Record<string, CallerName>;
  /** Sizes of the signed tree heads sealed while seeding. */
  treeSizes: number[];
  /** Each agency caller's party id. */
  partyOf: Partial<Record<CallerName, string>>;
}

const partyPatternMarker = 'kommun:';
const int32 = 2 ** 31 - 1;

/** Single UTF-16 code units that make text hostile: RTL, zero-width, combining, non-characters. */
const hostileCodeUnits = [
  '\u200f', // right-to-left mark
  '\u202e', // right-to-left override
  '\u2066', // left-to-right isolate
  '\u200b', // zero width space
  '\u200c',
  '\u200d',
  '\ufeff', // byte order mark
  '\u0301', // combining acute
  '\u0336',
  'ا',
  'ש',
  '中',
  'ß',
  '\u00a0',
  '\ufffd',
  '\uffff',
  'İ',
  'ǅ',
];
const swedish = ['å', 'ä', 'ö', 'Å', 'Ä', 'Ö', 'é', ' ', '-', '.', ','];

/** One UTF-16 code unit per generated unit, so `maxLength` (counted in code units) holds. */
const textUnit = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...swedish) },
  { weight: 1, arbitrary: fc.constantFrom(...hostileCodeUnits) },
);

/** Text for mutations: code points in every plane, lone surrogates, emoji with joiners and flags. */
export const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: fc.constantFrom(...hostileCodeUnits), minLength: 1, maxLength: 40 }),
  fc.constantFrom(
    '\ud800',
    'a\udfffb',
    '\udbff\ud800',
    '👩‍👩‍👧‍👦🇸🇪🏳️‍🌈',
    '\u202eevil.exe\u202c',
    'Åsa\u200bÖberg',
    'x\u0000y',
    '\u0000',
    '\\u0000',
    '%00',
    "'; drop table consents; --",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell probe, literally
    '${jndi:ldap://127.0.0.1/a}',
    '{{7*7}}',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    'NaN',
    'null',
    'true',
    '-0',
    '1e309',
    ' ',
    '',
    'Z̷͙̈a̸̞͊l̵̰̈g̶̱̍o̴͍͐',
  ),
);

function hasType(schema: JsonSchema, type: string): boolean {
  return Array.isArray(schema.type) ? schema.type.includes(type) : schema.type === type;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

const dayMs = 86_400_000;

/** Dates mostly near today (what the domain checks), sometimes anywhere from 1900 to 2100. */
export function dateArb(now: number): fc.Arbitrary<Date> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -800, max: 800 }).map((d) => new Date(now + d * dayMs)) },
    {
      weight: 1,
      arbitrary: fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }),
    },
  );
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function isoInstant(date: Date, offsetMinutes: number): string {
  if (offsetMinutes === 0) return date.toISOString();
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${shifted.toISOString().slice(0, 19)}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** A valid personnummer for a birth date and serial, in one of the written forms people use. */
export function personnummerFor(birth: Date, serial: number, form: 0 | 1 | 2 | 3): string | undefined {
  const year = birth.getUTCFullYear();
  const yymmdd = `${String(year).slice(2)}${pad2(birth.getUTCMonth() + 1)}${pad2(birth.getUTCDate())}`;
  const nine = `${yymmdd}${String(serial % 1000).padStart(3, '0')}`;
  for (let check = 0; check < 10; check++) {
    if (!luhnValid(`${nine}${check}`)) continue;
    const last4 = `${nine.slice(6)}${check}`;
    const written = [
      `${year}${yymmdd.slice(2)}-${last4}`,
      `${year}${yymmdd.slice(2)}${last4}`,
      `${yymmdd}-${last4}`,
      `${yymmdd}${last4}`,
    ][form];
    return written && parsePersonNumber(written).ok ? written : undefined;
  }
  return undefined;
}

export const invalidPersonnummer = [
  '19811218-9877',
  '20261301-1234',
  '811218-9877',
  '19121212-1213',
  '00000000-0000',
  '99999999-9999',
  '19121212+1212',
  '1212121212121',
  '121212-12125',
  '2099-01-01',
  '19121312-1212',
  '19120230-1212',
  '',
  ' ',
  'abcdefgh-ijkl',
  '١٩١٢١٢١٢-١٢١٢',
  '19121212\u200b-1212',
  '1912121212\n12',
  '19121212-121２',
];

/**
 * Turns JSON Schema into fast-check arbitraries: valid values for the whole of the document's
 * dialect (OpenAPI 3.1 JSON Schema as zod-openapi writes it), with hints for what the schema cannot
 * say (a personnummer field, an id that exists, a party that is registered).
 */
export class SchemaValues {
  private readonly resolved = new Map<JsonSchema, JsonSchema>();

  constructor(
    private readonly components: Record<string, JsonSchema>,
    private readonly pools: Pools,
    private readonly now: number,
  ) {}

  /** Follows `$ref`s (all local) and folds `allOf` into one object schema. */
  resolve(schema: JsonSchema): JsonSchema {
    const cached = this.resolved.get(schema);
    if (cached) return cached;
    let current = schema;
    for (let hops = 0; current.$ref; hops++) {
      const name = current.$ref.replace('#/components/schemas/', '');
      const target = this.components[name];
      if (!target || hops > 20) throw new Error(`unresolvable $ref ${current.$ref}`);
      current = target;
    }
    if (current.allOf) {
      const parts = current.allOf.map((part) => this.resolve(part));
      const merged: JsonSchema = { type: 'object', properties: {}, required: [] };
      for (const part of parts) {
        Object.assign(merged.properties ?? {}, part.properties);
        merged.required = [...new Set([...(merged.required ?? []), ...(part.required ?? [])])];
        if (part.additionalProperties === false) merged.additionalProperties = false;
      }
      current = merged;
    }
    this.resolved.set(schema, current);
    return current;
  }

  personnummer(): fc.Arbitrary<string> {
    const registered = fc.constantFrom(...this.pools.personnummer);
    return fc.oneof(
      { weight: 6, arbitrary: registered },
      { weight: 2, arbitrary: fc.constantFrom(...this.pools.unregisteredPersonnummer) },
      // The same person written in another accepted form.
      {
        weight: 1,
        arbitrary: registered.map((p) => (p.length === 13 ? p.slice(2) : p).replace('-', '')),
      },
    );
  }

  uuidFor(name: string | undefined): fc.Arbitrary<string> {
    const pool =
      name === 'consentId'
        ? this.pools.consents
        : name === 'representation'
          ? this.pools.representations
          : undefined;
    const random = fc.uuid({ version: 4 });
    return pool && pool.length > 0
      ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: random })
      : random;
  }

  /** A hint for a field whose meaning the schema does not carry, or undefined. */
  private hint(name: string | undefined, schema: JsonSchema): fc.Arbitrary<unknown> | undefined {
    if (!hasType(schema, 'string')) return undefined;
    if (name && /personnummer$/i.test(name)) return this.personnummer();
    if (schema.pattern?.includes(partyPatternMarker)) {
      return fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...this.pools.parties) },
        { weight: 1, arbitrary: fc.stringMatching(new RegExp(schema.pattern)) },
      );
    }
    if (schema.pattern?.startsWith('^forbund:')) {
      return fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...this.pools.forbund) },
        { weight: 1, arbitrary: fc.stringMatching(new RegExp(schema.pattern)) },
      );
    }
    // The webhook URL: only ever this machine's discard port; no dispatcher runs, nothing is sent.
    if (name === 'url') {
      return fc.oneof(
        fc.nat(999).map((n) => `http://127.0.0.1:9/hooks/${n}`),
        fc.constantFrom('https://localhost:9/hooks', 'ftp://127.0.0.1/x', 'http://user:pw@127.0.0.1:9/'),
      );
    }
    if (schema.format === 'uuid') return this.uuidFor(name);
    if (schema.format === 'uri') {
      return fc.nat(9999).map((n) => `https://video.invalid/room/${n}`);
    }
    return undefined;
  }

  valid(schema: JsonSchema, name?: string, depth = 0): fc.Arbitrary<unknown> {
    const s = this.resolve(schema);
    const hinted = this.hint(name, s);
    if (hinted) return this.nullable(s, hinted);
    if (s.const !== undefined) return fc.constant(s.const);
    if (s.enum) return fc.constantFrom(...s.enum);
    const choices = s.oneOf ?? s.anyOf;
    if (choices) return fc.oneof(...choices.map((choice) => this.valid(choice, name, depth + 1)));
    if (hasType(s, 'object') || s.properties) return this.nullable(s, this.object(s, depth));
    if (hasType(s, 'array')) return this.nullable(s, this.array(s, name, depth));
    if (hasType(s, 'string')) return this.nullable(s, this.string(s));
    if (hasType(s, 'integer')) return this.nullable(s, this.integer(s));
    if (hasType(s, 'number')) {
      return this.nullable(
        s,
        fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true }),
      );
    }
    if (hasType(s, 'boolean')) return this.nullable(s, fc.boolean());
    if (hasType(s, 'null')) return fc.constant(null);
    return fc.jsonValue({ maxDepth: 2 });
  }

  private nullable(schema: JsonSchema, arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
    if (!Array.isArray(schema.type) || !schema.type.includes('null')) return arbitrary;
    return fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: fc.constant(null) });
  }

  private object(s: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [key, property] of Object.entries(s.properties ?? {})) {
      model[key] = this.valid(property, key, depth + 1);
    }
    const requiredKeys = (s.required ?? []).filter((key) => key in model);
    const known = fc.record(model, { requiredKeys });
    const extra = s.additionalProperties;
    if (extra === false || extra === undefined || depth > 6) return known;
    const values = extra === true ? fc.jsonValue({ maxDepth: 1 }) : this.valid(extra, undefined, depth + 1);
    return fc
      .tuple(known, fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), values, { maxKeys: 3 }))
      .map(([k, e]) => ({ ...e, ...(k as Record<string, unknown>) }));
  }

  private array(s: JsonSchema, name: string | undefined, depth: number): fc.Arbitrary<unknown[]> {
    const min = s.minItems ?? 0;
    const max = Math.min(s.maxItems ?? 5, Math.max(min, 4));
    return fc.array(this.valid(s.items ?? {}, name, depth + 1), { minLength: min, maxLength: max });
  }

  private string(s: JsonSchema): fc.Arbitrary<string> {
    const now = this.now;
    if (s.format === 'date') return dateArb(now).map(isoDate);
    if (s.format === 'date-time') {
      return fc
        .tuple(dateArb(now), fc.constantFrom(0, 0, 60, 120, -300, 330))
        .map(([date, offset]) => isoInstant(date, offset));
    }
    if (s.format === 'uuid') return fc.uuid({ version: 4 });
    const min = s.minLength ?? 0;
    const max = s.maxLength ?? 10_000;
    if (s.pattern) {
      return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= min && v.length <= max);
    }
    const typical = fc.string({
      unit: textUnit,
      minLength: min,
      maxLength: Math.max(min, Math.min(max, 40)),
    });
    return fc.oneof(
      { weight: 12, arbitrary: typical },
      // Exactly at the limit, which must still be accepted.
      { weight: 1, arbitrary: fc.string({ unit: textUnit, minLength: max, maxLength: max }) },
    );
  }

  private integer(s: JsonSchema): fc.Arbitrary<number> {
    const min = s.minimum ?? -int32;
    const max = s.maximum ?? int32;
    if (min >= -int32 && max <= int32) return fc.integer({ min, max });
    return fc.oneof(
      fc.integer({ min: Math.max(min, -int32), max: Math.min(max, int32) }),
      fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

type Path = Array<string | number>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every location in a JSON value, the root included. */
function locations(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) locations(v, [...path, i], out);
  } else if (isRecord(value)) for (const [k, v] of Object.entries(value)) locations(v, [...path, k], out);
  return out;
}

function valueAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else if (isRecord(current) && typeof key === 'string') current = current[key];
    else return undefined;
  }
  return current;
}

/** A deep copy with the value at `path` replaced (or removed, for `undefined` in an object). */
function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(value) && typeof head === 'number') {
    const copy = [...value];
    copy[head] = replaceAt(copy[head], rest, replacement);
    return copy;
  }
  if (isRecord(value) && typeof head === 'string') {
    const copy: Record<string, unknown> = { ...value };
    const next = replaceAt(copy[head], rest, replacement);
    if (next === undefined) delete copy[head];
    else copy[head] = next;
    return copy;
  }
  return value;
}

function pointer(path: Path): string {
  return path.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

function nested(depth: number, leaf: unknown, asArray: boolean): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

/** Values of every JSON type and the edges of each, to put where the schema wants another. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    -0,
    1e308,
    -1e308,
    2 ** 53 + 1,
    '',
    '0',
    'true',
    [],
    [null],
    {},
    { $gt: '' },
    '2026-02-30',
    '2026-11-25T25:61:00Z',
    '00000000-0000-0000-0000-000000000000',
    'not-a-uuid',
  ),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Dates a lax parser lets through and the database or `Date` may not: to put where a date goes. */
const edgeDates = [
  '2026-02-30',
  '2026-02-29',
  '2024-02-29',
  '2026-04-31',
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  '1900-01-01',
  '2026-00-10',
  '2026-11-25T24:00:00Z',
  '2026-11-25T23:59:60Z',
  '2026-11-25T10:00:00+25:00',
  '2026-11-25T10:00:00.123456789Z',
  '+275760-09-13T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '0001-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '0000-12-31T23:00:00-01:00',
  '1970-01-01T00:00:00Z',
  '2026-11-25T10:00:00',
  '2026-11-25 10:00:00Z',
  '2026-11-25t10:00:00z',
];

const unknownKeys = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'isAdmin', '', ' '),
  fc.string({ minLength: 1, maxLength: 20 }),
  hostileText,
);

function textWithPersonnummer(pnr: string): fc.Arbitrary<string> {
  return fc.constantFrom(
    `Ring ${pnr} om något ändras`,
    `${pnr}`,
    `pnr:${pnr}.`,
    `Gäller ${pnr.replace('-', '')} (se akt)`,
    `Åsa, ${/^(19|20)\d{6}/.test(pnr) ? pnr.slice(2) : pnr}, behöver stöd`,
  );
}

export type Mutation =
  | 'valid'
  | 'drop-required'
  | 'drop-field'
  | 'unknown-field'
  | 'wrong-type'
  | 'huge-string'
  | 'long-string'
  | 'unicode'
  | 'deep-nesting'
  | 'boundary'
  | 'edge-dates'
  | 'invalid-personnummer'
  | 'personnummer-in-text'
  | 'malformed-json'
  | 'wrong-content-type'
  | 'not-an-object'
  | 'oversize-body'
  | 'empty-body'
  | 'invalid-utf8'
  | 'path-garbage'
  | 'query-garbage'
  | 'hostile-headers'
  | 'wrong-method'
  | 'path-variant'
  | 'idempotency-key'
  | 'wrong-caller'
  | 'no-token'
  | 'garbage-token';

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

export type CallerName =
  | 'kommun'
  | 'kommun2'
  | 'region'
  | 'fk'
  | 'af'
  | 'forbund'
  | 'kommun-whoami-only'
  | 'citizen'
  | 'representative'
  | 'stranger';

const agencyCallers: CallerName[] = ['kommun', 'kommun', 'region', 'region', 'fk', 'af', 'kommun2'];
const allCallers: CallerName[] = [
  'kommun',
  'kommun2',
  'region',
  'fk',
  'af',
  'forbund',
  'kommun-whoami-only',
  'citizen',
  'representative',
  'stranger',
];

/** Who may call an operation, by path (the document names the bearer scheme, not the scope). */
function rightCallers(operation: Operation): CallerName[] {
  if (!operation.secured) return [];
  if (operation.path.startsWith('/v1/me/')) return ['citizen', 'citizen', 'representative', 'stranger'];
  if (operation.path.startsWith('/v1/metrics/')) return ['forbund', 'forbund', 'kommun'];
  if (
    operation.path === '/v1/whoami' ||
    operation.path.startsWith('/v1/audit-tree-heads') ||
    operation.path.startsWith('/v1/audit-consistency-proofs')
  ) {
    return allCallers;
  }
  return agencyCallers;
}

/** Which agencies publish a category (packages/domain), so valid events often come from an owner. */
const categoryOwners: Record<string, CallerName[]> = {
  assistance: ['kommun'],
  planning: ['kommun', 'af'],
  incapacity: ['kommun'],
  care: ['region'],
  certificate: ['region'],
  diagnosis: ['region'],
  insurance: ['fk'],
  coordination: ['fk', 'af'],
  employment: ['af'],
};

export type Auth =
  | { kind: 'caller'; caller: CallerName; scheme?: string }
  | { kind: 'none' }
  | { kind: 'raw'; value: string }
  | { kind: 'forged' };

export type FormValue = string | { assertionFor: CallerName | 'unknown-issuer'; audience: 'token' | 'other' };

export type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: number[] }
  | { kind: 'form'; fields: Array<[string, FormValue]> };

export interface FuzzRequest {
  operation: string;
  mutation: Mutation;
  method: string;
  path: string;
  auth: Auth;
  headers: Array<[string, string]>;
  contentType?: string;
  body: Body;
  /** Where in the body a mutation struck, as a JSON Pointer. */
  target?: string;
}

interface Generated {
  pathParams: Record<string, string>;
  query: Array<[string, string]>;
  rawQuery?: string;
  rawQueryFirst?: boolean;
  method?: string;
  pathVariant?: PathVariant;
  headers: Array<[string, string]>;
  body: Body;
  contentType?: string;
  auth: Auth;
  /** Where in the body a mutation struck, as a JSON Pointer. */
  target?: string;
}

const headerText = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      { weight: 10, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c)) },
      { weight: 1, arbitrary: fc.constant('\t') },
    ),
    minLength: 1,
    maxLength,
  });

const hugeHeaderValue = fc
  .tuple(fc.constantFrom('a', 'Ö', '=', '%', '0', ' x'), fc.integer({ min: 1000, max: 8000 }))
  .map(([c, n]) => c.repeat(Math.floor(n / c.length)).trim() || 'a');

/** Headers a hostile or broken client sends; fetch refuses CR/LF and non-latin1, so none of those. */
const hostileHeaders: fc.Arbitrary<Array<[string, string]>> = fc.array(
  fc.oneof(
    fc.tuple(fc.constant('x-request-id'), fc.oneof(headerText(300), hugeHeaderValue)),
    fc.tuple(fc.constant('x-request-id'), fc.constantFrom('', ' ', '../../', '<script>', '\t\t')),
    fc.tuple(fc.constant('idempotency-key'), fc.oneof(headerText(300), hugeHeaderValue)),
    fc.tuple(
      fc.constantFrom('accept'),
      fc.constantFrom('text/csv', '*/*', 'application/xml', ';;;', 'text/csv;q=0'),
    ),
    fc.tuple(fc.constant('accept-language'), headerText(100)),
    fc.tuple(
      fc.constantFrom('x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded'),
      headerText(200),
    ),
    fc.tuple(
      fc.constantFrom('cookie', 'referer', 'user-agent', 'origin'),
      fc.oneof(headerText(200), hugeHeaderValue),
    ),
    fc.tuple(fc.constant('dpop'), fc.oneof(headerText(200), fc.constantFrom('a.b.c', 'eyJ.eyJ.x'))),
    fc.tuple(fc.constantFrom('if-none-match', 'if-match', 'range'), headerText(50)),
    fc.tuple(fc.constant('x-http-method-override'), fc.constantFrom('DELETE', 'GET', 'PUT')),
  ),
  { minLength: 1, maxLength: 4 },
);

const garbageAuthorization = fc.oneof(
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'bearer abc',
    'Basic dXNlcjpwYXNz',
    'Bearer a.b.c',
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    'DPoP eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    'Bearer ====',
    'Bearer x, Bearer y',
    'Negotiate YII=',
  ),
  hugeHeaderValue.map((v) => `Bearer ${v.replace(/[^A-Za-z0-9]/g, 'a')}`),
  headerText(100).map((v) => `Bearer ${v}`),
);

/** Path parameters that are not what the route wants. */
const pathGarbage = fc.oneof(
  fc.constantFrom(
    '..',
    '../..',
    '..%2F..%2Fetc%2Fpasswd',
    '%2e%2e',
    '%00',
    '%',
    '%zz',
    'null',
    'undefined',
    '0',
    '-1',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '0b9f2f9e-6a3c-4c36-8c53-4d3a4a0b2c1',
    '0b9f2f9e-6a3c-4c36-8c53-4d3a4a0b2c111',
    '{0b9f2f9e-6a3c-4c36-8c53-4d3a4a0b2c11}',
    '0B9F2F9E-6A3C-4C36-8C53-4D3A4A0B2C11',
    '19121212-1212',
    ' ',
    'a'.repeat(2000),
  ),
  fc.string({ maxLength: 40 }).map((s) => encodeURIComponent(s)),
  hostileText.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))),
);

const queryGarbage = fc.oneof(
  fc.constantFrom(
    'limit=%zz',
    'page=%',
    'limit=1e3',
    'limit=0x10',
    'limit=-1',
    'limit=501',
    'page=0',
    'page=99999999999999999999',
    'limit=1&limit=2',
    'limit[]=1',
    'limit[a]=1',
    'from=2026-02-30&to=2026-13-01',
    'from=9999-12-31&to=0001-01-01',
    'first=0&second=-1',
    'first=1e20&second=NaN',
    'at=today',
    'representation=..%2F',
    'party=kommun%3A',
    'state=dead%00',
    '&&&==&',
    '=',
    '%E2%80%AE',
    '%ED%A0%80',
    'a=%C0%AF',
  ),
  fc
    .array(fc.tuple(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 30 }), hostileText)), {
      maxLength: 4,
    })
    .map((pairs) =>
      pairs
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, 'x'))}`)
        .join('&'),
    ),
  fc.integer({ min: 2000, max: 6000 }).map((n) => `limit=${'9'.repeat(n)}`),
);

const malformedJson = fc.oneof(
  fc.constantFrom(
    '{',
    '{"a":}',
    '{"a":1,}',
    '[1,2',
    '{"a":NaN}',
    '{"a":Infinity}',
    "{'a':1}",
    '{"a":"\\x41"}',
    '{"a":"\\ud800"}',
    '\ufeff{}',
    '{}{}',
    'null',
    'true',
    '"string"',
    '1e999999',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
    `${'['.repeat(60_000)}`,
    '{"a":1}garbage',
    ' ',
  ),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const invalidUtf8: fc.Arbitrary<number[]> = fc.oneof(
  fc.constantFrom<number[]>(
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00],
    [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
  ),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => [...bytes]),
);

const wrongContentTypes = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  'application/jsonx',
  'json',
  'application/',
  '*/*',
  'application/json; charset=utf-16',
  'application/json;;;',
  'APPLICATION/JSON',
  'application/merge-patch+json',
  'application/problem+json',
  'application/x-json-stream',
  ' application/json',
];

const pathVariants = [
  'trailing-slash',
  'double-slash',
  'upper-case',
  'extra-segment',
  'encoded-slash',
  'matrix-param',
  'suffix',
  'dot-segment',
] as const;
type PathVariant = (typeof pathVariants)[number];

/** A path the router should not take for the documented one (or should take the same way). */
function varyPath(path: string, variant: PathVariant): string {
  switch (variant) {
    case 'trailing-slash':
      return `${path}/`;
    case 'double-slash':
      return `/${path}`;
    case 'upper-case':
      return path.toUpperCase();
    case 'extra-segment':
      return `${path}/extra`;
    case 'encoded-slash':
      return path.replace(/\/(?=[^/]*$)/, '%2F');
    case 'matrix-param':
      return `${path};jsessionid=1`;
    case 'suffix':
      return `${path}.json`;
    case 'dot-segment':
      return path.replace(/^\/v1\//, '/v1/%2e/');
  }
}

function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? 'missing');
}

/** Builds every operation's request arbitrary: the valid request, or one with a mutation applied. */
export class RequestFactory {
  readonly values: SchemaValues;

  constructor(
    private readonly document: OpenApiDocument,
    private readonly pools: Pools,
    now: number,
  ) {
    this.values = new SchemaValues(document.components.schemas, pools, now);
  }

  /** A valid path parameter: an id that exists most of the time. */
  private pathParam(operation: Operation, parameter: ParameterObject): fc.Arbitrary<string> {
    const p = this.pools;
    const pool =
      parameter.name === 'meetingId'
        ? p.meetings
        : operation.path.endsWith('/revocation')
          ? p.revocableConsents
          : operation.path.startsWith('/v1/consents/') || operation.path.startsWith('/v1/me/consents/')
            ? p.consents
            : operation.path.startsWith('/v1/representations/')
              ? p.representations
              : operation.path.startsWith('/v1/sips/')
                ? p.sips
                : operation.path.startsWith('/v1/invitations/')
                  ? p.invitations
                  : operation.path.startsWith('/v1/deliveries/')
                    ? p.deliveries
                    : [];
    const random = fc.uuid({ version: 4 });
    return pool.length > 0
      ? fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: random })
      : random;
  }

  private queryValue(parameter: ParameterObject): fc.Arbitrary<string> {
    const schema = this.values.resolve(parameter.schema);
    if (parameter.name === 'first' || parameter.name === 'second') {
      return fc
        .oneof(
          { weight: 8, arbitrary: fc.constantFrom(...this.pools.treeSizes, 1) },
          { weight: 3, arbitrary: fc.integer({ min: 1, max: 30 }) },
          { weight: 1, arbitrary: fc.maxSafeNat() },
        )
        .map(String);
    }
    return this.values.valid(schema, parameter.name).map((v) => String(v));
  }

  private validParts(operation: Operation): fc.Arbitrary<Generated> {
    const pathParams: Record<string, fc.Arbitrary<string>> = {};
    const query: Array<fc.Arbitrary<[string, string] | undefined>> = [];
    const headers: Array<fc.Arbitrary<[string, string]>> = [];
    for (const parameter of operation.parameters) {
      if (parameter.in === 'path') pathParams[parameter.name] = this.pathParam(operation, parameter);
      if (parameter.in === 'query') {
        const value = this.queryValue(parameter).map((v): [string, string] => [parameter.name, v]);
        query.push(parameter.required ? value : fc.option(value, { nil: undefined, freq: 2 }));
      }
      if (parameter.in === 'header' && parameter.name === 'idempotency-key') {
        headers.push(
          fc
            .oneof(
              { weight: 6, arbitrary: fc.uuid({ version: 4 }) },
              // A few keys come back, for replays and for reuse with another body.
              { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }).map((n) => `fuzz-replay-key-${n}`) },
            )
            .map((key): [string, string] => ['idempotency-key', key]),
        );
      }
    }
    const csv = operation.responses.get(200)?.includes('text/csv') ?? false;
    if (csv) {
      headers.push(fc.constantFrom<[string, string]>(['accept', 'application/json'], ['accept', 'text/csv']));
    }
    const body = this.validBody(operation);
    const right = rightCallers(operation);
    return fc
      .record({
        pathParams: fc.record(pathParams),
        query: fc.tuple(...query),
        headers: fc.tuple(...headers),
        body,
        caller: right.length > 0 ? fc.constantFrom(...right) : fc.constant(undefined),
        owner: fc.nat(4),
        roll: fc.nat(0xffff),
      })
      .map(({ pathParams: params, query: q, headers: h, body: b, caller, owner, roll }) => {
        let auth: Auth = caller ? { kind: 'caller', caller } : { kind: 'none' };
        // A status event is published by an owner of its category; pick one for most valid events.
        const category = categoryOf(b);
        const owners = category ? categoryOwners[category] : undefined;
        if (owners && caller && owner < 4 && agencyCallers.includes(caller)) {
          auth = { kind: 'caller', caller: owners[owner % owners.length] ?? caller };
        }
        const invitee = params.id ? this.pools.invitationCaller[params.id] : undefined;
        if (invitee && operation.path.startsWith('/v1/invitations/') && owner < 4) {
          auth = { kind: 'caller', caller: invitee };
        }
        return this.coherent({
          parts: {
            pathParams: params,
            query: q.filter((pair): pair is [string, string] => pair !== undefined),
            headers: [...h],
            body: b,
            auth,
          },
          roll,
        });
      });
  }

  /**
   * What JSON Schema cannot say but a valid request needs most of the time: dates in order, the
   * caller among the parties it names, the person the consent is about. Applied to three in four.
   */
  private coherent({ parts, roll }: { parts: Generated; roll: number }): Generated {
    if (roll % 4 === 0) return parts;
    const caller = parts.auth.kind === 'caller' ? parts.auth.caller : undefined;
    const own = caller ? this.pools.partyOf[caller] : undefined;
    const sipAgencies = (['kommun', 'region', 'fk', 'af'] as const)
      .map((c) => this.pools.partyOf[c])
      .filter((id): id is string => id !== undefined);
    const others = sipAgencies.filter((id) => id !== own);
    const ordered = (pairs: Array<[string, string]>, first: string, second: string) => {
      const a = pairs.find(([name]) => name === first);
      const b = pairs.find(([name]) => name === second);
      if (!a || !b) return;
      const numeric = /^\d+$/.test(a[1]) && /^\d+$/.test(b[1]);
      const swap = numeric ? Number(a[1]) > Number(b[1]) : a[1] > b[1];
      if (swap) [a[1], b[1]] = [b[1], a[1]];
    };
    const query = parts.query.map(([k, v]): [string, string] => [k, v]);
    for (const [first, second] of [
      ['from', 'to'],
      ['baseline', 'followUp'],
      ['previous', 'at'],
      ['previous', 'baseline'],
      ['first', 'second'],
    ] as const) {
      ordered(query, first, second);
    }
    let body = parts.body;
    if (body.kind === 'json' && isRecord(body.value)) {
      const value: Record<string, unknown> = { ...body.value };
      if (typeof value.validFrom === 'string' && typeof value.validUntil === 'string') {
        const dates: Array<[string, string]> = [
          ['validFrom', value.validFrom],
          ['validUntil', value.validUntil],
        ];
        ordered(dates, 'validFrom', 'validUntil');
        value.validFrom = dates[0]?.[1];
        value.validUntil = dates[1]?.[1];
      }
      if (typeof value.consentId === 'string' && typeof value.personnummer === 'string') {
        value.personnummer = this.pools.consentPerson[value.consentId] ?? value.personnummer;
      }
      if (own) {
        const count = 1 + (roll % 3);
        if (Array.isArray(value.participants) && value.participants.every((p) => typeof p === 'string')) {
          value.participants = [own, ...others.slice(0, count)];
        }
        if (Array.isArray(value.participants) && value.participants.every(isRecord)) {
          value.participants = value.participants.map((p, i) => ({
            ...p,
            party: sipAgencies[i % sipAgencies.length],
          }));
        }
        if (Array.isArray(value.parties)) value.parties = [own, ...others.slice(0, count)];
        if (typeof value.principal === 'string')
          value.principal = own.startsWith('kommun') || own.startsWith('region') ? own : sipAgencies[0];
        if (isRecord(value.coordinator)) value.coordinator = { ...value.coordinator, party: own };
      }
      body = { kind: 'json', value };
    }
    return { ...parts, query, body };
  }

  private validBody(operation: Operation): fc.Arbitrary<Body> {
    const body = operation.body;
    if (!body) return fc.constant<Body>({ kind: 'none' });
    if (body.contentType === 'application/x-www-form-urlencoded') return this.tokenForm();
    return this.values.valid(body.schema).map((value): Body => ({ kind: 'json', value }));
  }

  /** The token endpoint's form: a fresh signed assertion most of the time, so some tokens are issued. */
  private tokenForm(): fc.Arbitrary<Body> {
    const issuer = fc.constantFrom<CallerName | 'unknown-issuer'>(
      'kommun',
      'region',
      'fk',
      'af',
      'forbund',
      'citizen',
      'unknown-issuer',
    );
    const allowed = (issuer: CallerName | 'unknown-issuer') =>
      issuer === 'citizen'
        ? ['whoami', 'self:read', 'self:write']
        : issuer === 'forbund'
          ? ['whoami', 'metrics:read']
          : [
              'whoami',
              'status:read',
              'status:write',
              'consent:read',
              'sip:read',
              'sip:write',
              'webhook:write',
            ];
    const scope = (issuer: CallerName | 'unknown-issuer') =>
      fc.oneof(
        { weight: 4, arbitrary: fc.subarray(allowed(issuer), { minLength: 1 }).map((s) => s.join(' ')) },
        {
          weight: 1,
          arbitrary: fc
            .subarray(['whoami', 'status:read', 'metrics:read', 'self:read', 'sip:write'])
            .map((s) => s.join(' ')),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom('', 'admin', 'whoami  whoami', 'openid', 'status:read\tstatus:write'),
        },
      );
    return fc
      .tuple(issuer, fc.nat(3))
      .chain(([chosen, noScope]) =>
        fc.record({
          issuer: fc.constant(chosen),
          audience: fc.constantFrom<'token' | 'other'>('token', 'token', 'token', 'other'),
          scope: noScope === 0 ? fc.constant(undefined) : scope(chosen),
          grant: fc.constantFrom(jwtBearer, jwtBearer, jwtBearer, 'client_credentials', 'password', ''),
        }),
      )
      .map(
        ({ issuer: assertionFor, audience, scope: s, grant }): Body => ({
          kind: 'form',
          fields: [
            ['grant_type', grant],
            ['assertion', { assertionFor, audience }],
            ...(s === undefined ? [] : [['scope', s] as [string, FormValue]]),
          ],
        }),
      );
  }

  private mutationsFor(operation: Operation): Array<{ weight: number; arbitrary: fc.Arbitrary<Mutation> }> {
    const m = (weight: number, mutation: Mutation) => ({ weight, arbitrary: fc.constant(mutation) });
    const list = [
      m(30, 'valid'),
      m(5, 'hostile-headers'),
      m(2, 'query-garbage'),
      m(2, 'wrong-method'),
      m(2, 'path-variant'),
    ];
    if (operation.secured) list.push(m(4, 'wrong-caller'), m(2, 'no-token'), m(3, 'garbage-token'));
    if (operation.parameters.some((p) => p.in === 'path')) list.push(m(6, 'path-garbage'));
    if (operation.parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key')) {
      list.push(m(3, 'idempotency-key'));
    }
    if (operation.parameters.some((p) => p.in === 'query')) list.push(m(4, 'query-garbage'));
    if (operation.body) {
      list.push(
        m(4, 'drop-required'),
        m(3, 'drop-field'),
        m(4, 'unknown-field'),
        m(6, 'wrong-type'),
        m(1, 'huge-string'),
        m(2, 'long-string'),
        m(4, 'unicode'),
        m(2, 'deep-nesting'),
        m(3, 'boundary'),
        m(2, 'edge-dates'),
        m(3, 'malformed-json'),
        m(3, 'wrong-content-type'),
        m(2, 'not-an-object'),
        m(1, 'oversize-body'),
        m(2, 'empty-body'),
        m(1, 'invalid-utf8'),
      );
      if (JSON.stringify(operation.body.schema).includes('ersonnummer') || operation.body.schema.$ref) {
        list.push(m(3, 'invalid-personnummer'), m(3, 'personnummer-in-text'));
      }
    } else if (operation.method !== 'GET') {
      // A body where none is documented.
      list.push(m(1, 'malformed-json'), m(1, 'wrong-content-type'));
    }
    return list;
  }

  /** The arbitrary for one operation's requests. */
  requests(operation: Operation): fc.Arbitrary<FuzzRequest> {
    return fc
      .tuple(this.validParts(operation), fc.oneof(...this.mutationsFor(operation)))
      .chain(([parts, mutation]) =>
        this.mutate(operation, parts, mutation).map((mutated) => toRequest(operation, mutation, mutated)),
      );
  }

  private mutate(operation: Operation, parts: Generated, mutation: Mutation): fc.Arbitrary<Generated> {
    const json = parts.body.kind === 'json' ? parts.body.value : undefined;
    const withBody = (body: fc.Arbitrary<Body>, contentType?: fc.Arbitrary<string | undefined>) =>
      fc
        .tuple(body, contentType ?? fc.constant(undefined))
        .map(([b, ct]) => ({ ...parts, body: b, contentType: ct }));
    const withJson = (value: fc.Arbitrary<unknown>) =>
      withBody(value.map((v): Body => ({ kind: 'json', value: v })));
    const spots = json === undefined ? [] : locations(json);
    const pick = <T>(items: T[]) =>
      fc.integer({ min: 0, max: Math.max(0, items.length - 1) }).map((i) => items[i]);
    const leaves = (predicate: (value: unknown) => boolean) =>
      spots.filter((path) => path.length > 0 && predicate(valueAt(json, path)));
    const replaceSomewhere = (paths: Path[], replacement: fc.Arbitrary<unknown>): fc.Arbitrary<Generated> =>
      paths.length === 0
        ? withJson(replacement).map((g) => ({ ...g, target: '' }))
        : fc.tuple(pick(paths), replacement).map(([path, r]) => ({
            ...parts,
            body: { kind: 'json', value: replaceAt(json, path ?? [], r) },
            target: pointer(path ?? []),
          }));

    switch (mutation) {
      case 'valid':
        return fc.constant(parts);
      case 'wrong-caller': {
        const right = new Set(rightCallers(operation));
        const wrong = allCallers.filter((c) => !right.has(c));
        const choices = wrong.length > 0 ? wrong : allCallers;
        return fc
          .tuple(fc.constantFrom(...choices), fc.constantFrom('Bearer', 'DPoP'))
          .map(([caller, scheme]) => ({ ...parts, auth: { kind: 'caller', caller, scheme } }));
      }
      case 'no-token':
        return fc.constant({ ...parts, auth: { kind: 'none' } });
      case 'wrong-method': {
        const documented = new Set(
          Object.keys(this.document.paths[operation.path] ?? {}).map((method) => method.toUpperCase()),
        );
        const others = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].filter((x) => !documented.has(x));
        return fc.constantFrom(...others).map((method) => ({
          ...parts,
          method,
          // fetch sends no body with GET.
          ...(method === 'GET' ? { body: { kind: 'none' } as Body } : {}),
        }));
      }
      case 'path-variant':
        return fc.constantFrom(...pathVariants).map((pathVariant) => ({ ...parts, pathVariant }));
      case 'garbage-token':
        return fc.oneof(
          garbageAuthorization.map((value): Generated => ({ ...parts, auth: { kind: 'raw', value } })),
          fc.constant<Generated>({ ...parts, auth: { kind: 'forged' } }),
        );
      case 'hostile-headers':
        return hostileHeaders.map((extra) => ({ ...parts, headers: [...parts.headers, ...extra] }));
      case 'idempotency-key':
        return fc
          .oneof(
            fc.constant(undefined),
            fc.constantFrom('', 'short', ' spaced key ', 'nyckel-åäö-ÅÄÖ', 'a'.repeat(201), 'tab\tkey12'),
            hugeHeaderValue,
            headerText(300),
          )
          .map((key) => ({
            ...parts,
            headers: [
              ...parts.headers.filter(([name]) => name !== 'idempotency-key'),
              ...(key === undefined ? [] : [['idempotency-key', key] as [string, string]]),
            ],
          }));
      case 'path-garbage': {
        const names = operation.parameters.filter((p) => p.in === 'path').map((p) => p.name);
        return fc
          .tuple(pick(names), pathGarbage)
          .map(([name, value]) => ({ ...parts, pathParams: { ...parts.pathParams, [name ?? 'id']: value } }));
      }
      case 'query-garbage': {
        const names = operation.parameters.filter((p) => p.in === 'query').map((p) => p.name);
        const value = fc.oneof(
          fc.constantFrom(...edgeDates),
          hostileText.map((t) => t.replace(/[\ud800-\udfff]/g, '\ufffd')),
          fc.constantFrom('', ' ', '-1', '0', '1.5', '1e3', 'true', 'null', '[]', '{}', 'x'.repeat(3000)),
        );
        const named =
          names.length === 0
            ? queryGarbage
            : fc
                .tuple(pick(names), value)
                .map(([n, v]) => `${encodeURIComponent(n ?? '')}=${encodeURIComponent(v)}`);
        return fc.tuple(fc.oneof(queryGarbage, named), fc.nat(2)).map(([raw, keep]) => ({
          ...parts,
          // Valid values first, last or not at all: a duplicate parameter must not slip through.
          query: keep === 0 ? [] : parts.query,
          rawQuery: raw,
          ...(keep === 2 ? { rawQueryFirst: true } : {}),
        }));
      }
      case 'drop-required': {
        const schema = operation.body ? this.values.resolve(operation.body.schema) : {};
        const required = isRecord(json) ? (schema.required ?? []).filter((k) => k in json) : [];
        if (required.length === 0)
          return replaceSomewhere(
            leaves(() => true),
            fc.constant(undefined),
          );
        return withJson(pick(required).map((key) => replaceAt(json, [key ?? ''], undefined)));
      }
      case 'drop-field':
        return replaceSomewhere(
          spots.filter((p) => typeof p[p.length - 1] === 'string'),
          fc.constant(undefined),
        );
      case 'unknown-field': {
        const objects = spots.filter((p) => isRecord(valueAt(json, p)));
        return withJson(
          fc.tuple(pick(objects), unknownKeys, fc.jsonValue({ maxDepth: 2 })).map(([path, key, value]) => {
            const target = valueAt(json, path ?? []);
            const extended = isRecord(target) ? { ...target } : {};
            Object.defineProperty(extended, key, {
              value,
              enumerable: true,
              writable: true,
              configurable: true,
            });
            return replaceAt(json, path ?? [], extended);
          }),
        );
      }
      case 'wrong-type':
        return replaceSomewhere(
          spots.filter((p) => p.length > 0),
          wrongValue,
        );
      case 'huge-string':
        return replaceSomewhere(
          leaves((v) => typeof v === 'string'),
          fc.constantFrom('a', 'Ö', '€', '\u200b').map((c) => c.repeat(100_000)),
        );
      case 'long-string':
        return replaceSomewhere(
          leaves((v) => typeof v === 'string'),
          fc
            .tuple(fc.constantFrom('a', 'å', '1', ' '), fc.integer({ min: 201, max: 20_000 }))
            .map(([c, n]) => c.repeat(n)),
        );
      case 'unicode':
        return replaceSomewhere(
          leaves((v) => typeof v === 'string'),
          hostileText,
        );
      case 'deep-nesting':
        return replaceSomewhere(
          spots.filter((p) => p.length > 0),
          fc
            .tuple(
              fc.constantFrom(50, 50, 51, 200, 1000),
              fc.boolean(),
              fc.oneof(fc.constant(null), fc.string()),
            )
            .map(([depth, asArray, leaf]) => nested(depth, leaf, asArray)),
        );
      case 'edge-dates':
        return replaceSomewhere(
          leaves((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)),
          fc.constantFrom(...edgeDates),
        );
      case 'boundary':
        return replaceSomewhere(
          spots.filter((p) => p.length > 0),
          fc.oneof(
            fc.constantFrom(-1, 0, 14, 481, 501, 100_001, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 0.5),
            fc.array(fc.constant('x'), { minLength: 21, maxLength: 600 }),
            fc.integer({ min: 1, max: 5001 }).map((n) => 'b'.repeat(n)),
            fc.constant([]),
          ),
        );
      case 'invalid-personnummer': {
        const targets = leaves((v) => typeof v === 'string').filter((p) =>
          /personnummer$/i.test(String(p[p.length - 1])),
        );
        return replaceSomewhere(targets, fc.constantFrom(...invalidPersonnummer));
      }
      case 'personnummer-in-text': {
        const texts = leaves((v) => typeof v === 'string').filter(
          (p) =>
            !/personnummer$|^(id|kind|category|consentId|party|principal|responsibleParty)$/i.test(
              String(p[p.length - 1]),
            ),
        );
        return replaceSomewhere(texts, this.values.personnummer().chain(textWithPersonnummer));
      }
      case 'malformed-json':
        return withBody(
          malformedJson.map((text): Body => ({ kind: 'text', text })),
          fc.constant('application/json'),
        );
      case 'wrong-content-type': {
        const serialised = json === undefined ? '{}' : safeStringify(json);
        return withBody(
          fc.constant<Body>({ kind: 'text', text: serialised }),
          fc.oneof(fc.constantFrom(...wrongContentTypes), fc.constant(undefined)),
        );
      }
      case 'not-an-object':
        return withJson(
          fc.oneof(fc.constant([json]), fc.jsonValue({ maxDepth: 1 }), fc.constantFrom(null, 0, '', [])),
        );
      case 'oversize-body':
        return withJson(
          fc
            .integer({ min: 65 * 1024, max: 200 * 1024 })
            .map((n) => (isRecord(json) ? { ...json, padding: 'p'.repeat(n) } : ['p'.repeat(n)])),
        );
      case 'empty-body':
        return withBody(
          fc.constantFrom<Body>({ kind: 'none' }, { kind: 'text', text: '' }),
          fc.constantFrom('application/json', undefined),
        );
      case 'invalid-utf8':
        return withBody(
          invalidUtf8.map((bytes): Body => ({ kind: 'bytes', bytes })),
          fc.constantFrom('application/json', 'application/json; charset=utf-8'),
        );
    }
  }
}

function categoryOf(body: Body): string | undefined {
  if (body.kind !== 'json' || !isRecord(body.value)) return undefined;
  const direct = body.value.category;
  if (typeof direct === 'string') return direct;
  const events = body.value.events;
  const first = Array.isArray(events) ? events[0] : undefined;
  return isRecord(first) && typeof first.category === 'string' ? first.category : undefined;
}

/** JSON.stringify that cannot throw (cycles cannot occur here, but a BigInt could). */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '{}';
  }
}

function toRequest(operation: Operation, mutation: Mutation, parts: Generated): FuzzRequest {
  const query = new URLSearchParams(parts.query).toString();
  const ordered = parts.rawQueryFirst ? [parts.rawQuery, query] : [query, parts.rawQuery];
  const rawQuery = ordered.filter((q) => q && q.length > 0).join('&');
  const filled = fillPath(operation.path, parts.pathParams);
  const varied = parts.pathVariant ? varyPath(filled, parts.pathVariant) : filled;
  const path = `${varied}${rawQuery ? `?${rawQuery}` : ''}`;
  return {
    operation: operation.id,
    mutation,
    method: parts.method ?? operation.method,
    path,
    auth: parts.auth,
    headers: parts.headers,
    ...(parts.contentType !== undefined ? { contentType: parts.contentType } : {}),
    ...(parts.target !== undefined ? { target: parts.target } : {}),
    body: parts.body,
  };
}

// ---------------------------------------------------------------------------------------------
// The seeded gateway
// ---------------------------------------------------------------------------------------------

/** The tables the API writes: a rejected request must leave every count as it was. */
export const writtenTables = [
  'status_events',
  'current_statuses',
  'status_periods',
  'persons',
  'follow_up_facts',
  'consents',
  'representations',
  'sips',
  'meetings',
  'invitations',
  'deliveries',
  'withdrawal_notices',
  'idempotency_keys',
  'audit_log',
  'consultation_forums',
  'consultation_meetings',
  'consultation_cases',
  'consultation_advice',
  'signals',
  'signal_thresholds',
  'signal_changes',
  'signal_schedule',
] as const;

type Counts = Record<(typeof writtenTables)[number], number>;

interface Seeded {
  gateway: TestGateway;
  pools: Pools;
  parties: Record<'kommun' | 'kommun2' | 'region' | 'fk' | 'af' | 'forbund', TestParty>;
  citizenIssuer: { id: string; privateJwk: TestParty['privateJwk'] };
  tokens: Record<CallerName, string>;
  forgedToken: string;
  personOf: Record<'citizen' | 'representative' | 'stranger', string>;
}

/** Deterministic valid personnummer for the seed, watched by the testkit's log-leak check. */
function seededPersons(seed: number, count: number): string[] {
  const out: string[] = [];
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state;
  };
  while (out.length < count) {
    const birth = new Date(Date.UTC(1945 + (next() % 60), next() % 12, 1 + (next() % 28)));
    const written = personnummerFor(birth, next() % 1000, (next() % 4) as 0 | 1 | 2 | 3);
    if (written && !out.includes(written)) {
      watchPersonnummer(written);
      out.push(written);
    }
  }
  return out;
}

async function api(
  gateway: TestGateway,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

function expectStatus(what: string, result: { status: number; body: unknown }, status: number) {
  if (result.status !== status) {
    throw new Error(`seeding failed: ${what} answered ${result.status} ${JSON.stringify(result.body)}`);
  }
}

const agencyScopeString =
  'whoami status:read status:write consent:read consent:write sip:read sip:write webhook:write ' +
  'consultation:read consultation:write signals:read signals:write';

async function seed(seedValue: number): Promise<Seeded> {
  const gateway = await startTestGateway({ bodyLimitBytes: 64 * 1024 });
  const db = gateway.database.db;
  const kommun = await createTestParty(db, 'kommun');
  const kommun2 = await createTestParty(db, 'kommun');
  const region = await createTestParty(db, 'region');
  const fk = await createTestParty(db, 'fk');
  const af = await createTestParty(db, 'af');
  const forbund = await createTestParty(db, 'forbund', { memberIds: [kommun.id, region.id] });
  const citizenIssuer = await createTestCitizenIssuer(db);
  const partyMap = { kommun, kommun2, region, fk, af, forbund };

  const persons = seededPersons(seedValue, 40);
  const [anna = '', bo = '', cilla = '', ...others] = persons;
  const registered = [anna, bo, cilla, ...others.slice(0, 12)];
  const unregistered = others.slice(12);

  const citizenToken = async (personnummer: string) => {
    const assertion = await signAssertion({
      issuer: citizenIssuer.id,
      subject: personnummer,
      audience: gateway.tokenEndpoint,
      privateJwk: citizenIssuer.privateJwk,
    });
    const response = await gateway.requestToken({
      grant_type: jwtBearer,
      assertion,
      scope: 'whoami self:read self:write',
    });
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`no citizen token: ${response.status}`);
    return body.access_token;
  };

  const tokens: Record<CallerName, string> = {
    kommun: await gateway.tokenFor(kommun, `${agencyScopeString} metrics:read`, 'kommun-officer'),
    kommun2: await gateway.tokenFor(kommun2, `${agencyScopeString} metrics:read`, 'kommun2-officer'),
    region: await gateway.tokenFor(region, agencyScopeString, 'region-officer'),
    fk: await gateway.tokenFor(fk, agencyScopeString, 'fk-officer'),
    af: await gateway.tokenFor(af, agencyScopeString, 'af-officer'),
    forbund: await gateway.tokenFor(forbund, 'whoami metrics:read signals:admin', 'forbund-analyst'),
    'kommun-whoami-only': await gateway.tokenFor(kommun, 'whoami', 'kommun-reader'),
    citizen: await citizenToken(anna),
    representative: await citizenToken(bo),
    stranger: await citizenToken(cilla),
  };
  const forgedKey = await importJWK(await generateSigningJwk('ES256'), 'ES256');
  const forgedToken = await new SignJWT({ scope: agencyScopeString, party: kommun.id })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
    .setIssuer(gateway.url)
    .setSubject('kommun-officer')
    .setAudience(gateway.url)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(forgedKey);

  // Consents for the people the requests name: one wide, one revoked, some for the others.
  const allParties = [kommun.id, kommun2.id, region.id, fk.id, af.id, forbund.id];
  const allCategories = categories;
  const consentIds: string[] = [];
  const consentPerson: Record<string, string> = {};
  const consent = async (personnummer: string, i: number) => {
    const row = await createTestConsent(db, gateway.persons, {
      personnummer,
      parties: i % 3 === 2 ? [kommun.id, region.id] : allParties,
      categories: i % 3 === 2 ? ['assistance', 'care'] : [...allCategories],
      purposes: ['sip', 'coordination', 'consultation', 'follow_up'],
      validFrom: new Date(Date.now() - 400 * dayMs),
      ...(i === 1 ? { revokedAt: new Date() } : {}),
    });
    consentIds.push(row.id);
    consentPerson[row.id] = personnummer;
    return row.id;
  };
  for (const [i, personnummer] of registered.entries()) await consent(personnummer, i);
  // Two more of anna's own, for her to withdraw while her SIP's consent stays.
  await consent(anna, 0);
  await consent(anna, 0);

  // Signed tree heads of a few sizes, for the audit proof routes (the dispatcher seals in production).
  const seal = async () => {
    await sequenceAuditLog(db);
    await sealAuditLog(db, { signingKey: gateway.signingKey, issuer: gateway.url });
  };

  // Status events through the API, from each owner.
  for (const personnummer of registered.slice(0, 6)) {
    for (const [caller, category] of [
      ['kommun', 'assistance'],
      ['region', 'care'],
      ['fk', 'insurance'],
      ['af', 'employment'],
    ] as const) {
      const published = await api(
        gateway,
        tokens[caller],
        'POST',
        '/v1/status-events',
        exampleStatusEvent(personnummer, category, '2026-10-01'),
        { 'idempotency-key': randomUUID() },
      );
      expectStatus(`publishing ${category}`, published, 201);
    }
    // A read, for the access log.
    const read = await api(gateway, tokens.region, 'POST', '/v1/status-queries', {
      personnummer,
      purpose: 'sip',
    });
    expectStatus('reading statuses', read, 200);
    await seal();
  }

  // bo represents anna (ombud), recorded by the kommun; a few more pairs, for the endings route.
  const representationIds: string[] = [];
  for (const [principal, representative] of [
    [anna, bo],
    [registered[3] ?? anna, bo],
    [registered[4] ?? anna, cilla],
    [registered[5] ?? anna, registered[6] ?? bo],
    [registered[7] ?? anna, registered[8] ?? bo],
  ]) {
    const representation = await api(gateway, tokens.kommun, 'POST', '/v1/representations', {
      kind: 'ombud',
      principalPersonnummer: principal,
      representativePersonnummer: representative,
      validFrom: new Date(Date.now() - dayMs).toISOString(),
      validUntil: new Date(Date.now() + 300 * dayMs).toISOString(),
      evidenceReference: 'Fullmakt 2026-11-01',
    });
    expectStatus('recording a representation', representation, 201);
    representationIds.push(String(representation.body.id));
  }
  await seal();

  // Webhooks for everyone, so meetings leave deliveries (no dispatcher runs: nothing is sent).
  for (const caller of ['kommun', 'region', 'fk', 'af'] as const) {
    const registeredHook = await api(gateway, tokens[caller], 'POST', '/v1/webhook-registrations', {
      url: `http://127.0.0.1:9/hooks/${caller}`,
    });
    expectStatus('registering a webhook', registeredHook, 201);
  }

  // A SIP with a meeting, for the SIP, meeting, invitation and delivery routes.
  const sipIds: string[] = [];
  const sipConsents: string[] = [];
  for (const index of [0, 3, 4, 6]) {
    const personnummer = registered[index] ?? anna;
    const sipConsent = consentIds[index] ?? '';
    sipConsents.push(sipConsent);
    const opened = await api(gateway, tokens.kommun, 'POST', '/v1/sips', {
      personnummer,
      consentId: sipConsent,
      participants: [kommun.id, region.id, fk.id, af.id],
      principal: kommun.id,
      coordinator: { party: kommun.id, name: 'Anna Lind, socialsekreterare' },
      needs: ['Samordnade insatser mellan vård och socialtjänst'],
      goals: [],
      actions: [],
    });
    expectStatus('opening a SIP', opened, 201);
    const sipId = String(opened.body.id);
    sipIds.push(sipId);
    const called = await api(gateway, tokens.kommun, 'POST', `/v1/sips/${sipId}/meetings`, {
      startsAt: new Date(Date.now() + 3 * dayMs).toISOString(),
      durationMinutes: 90,
      place: 'Stadshuset, rum 4',
      agenda: ['Nuläge', 'Behov'],
      participants: [
        { party: kommun.id, role: 'socialsekreterare', displayName: 'Anna Lind' },
        { party: region.id, role: 'rehabkoordinator', displayName: 'Omar Said' },
        { party: fk.id, role: 'handläggare', displayName: 'Eva Berg' },
        { party: af.id, role: 'arbetsförmedlare', displayName: 'Jonas Ek' },
      ],
    });
    expectStatus('calling a meeting', called, 201);
  }
  await seal();
  const meetingIds = (await db.select({ id: meetings.id }).from(meetings)).map((r) => r.id);
  const invitationRows = await db
    .select({ id: invitations.id, party: invitations.partyId })
    .from(invitations);
  const invitationIds = invitationRows.map((r) => r.id);
  const partyOf: Partial<Record<CallerName, string>> = {
    kommun: kommun.id,
    kommun2: kommun2.id,
    region: region.id,
    fk: fk.id,
    af: af.id,
    forbund: forbund.id,
    'kommun-whoami-only': kommun.id,
  };
  const callerOfParty = new Map(
    (['kommun', 'kommun2', 'region', 'fk', 'af', 'forbund'] as const).map((c) => [partyMap[c].id, c]),
  );
  const invitationCaller: Record<string, CallerName> = {};
  for (const row of invitationRows) {
    const caller = row.party ? callerOfParty.get(row.party) : undefined;
    if (caller) invitationCaller[row.id] = caller;
  }
  const deliveryRows = await db.select({ id: deliveries.id }).from(deliveries);
  const deliveryIds = deliveryRows.map((r) => r.id);
  // A few dead letters, so a re-drive can succeed.
  const dead = deliveryIds.filter((_, i) => i % 3 === 0);
  if (dead.length > 0) await db.update(deliveries).set({ state: 'dead' }).where(inArray(deliveries.id, dead));
  // The webhook URLs stay, but nothing delivers them; make sure no party points anywhere else.
  await db.update(parties).set({ webhookUrl: 'http://127.0.0.1:9/hooks' }).where(eq(parties.active, true));

  return {
    gateway,
    parties: partyMap,
    citizenIssuer,
    tokens,
    forgedToken,
    personOf: { citizen: anna, representative: bo, stranger: cilla },
    pools: {
      personnummer: registered,
      unregisteredPersonnummer: unregistered,
      parties: [...allParties, 'region:99', 'kommun:0001', 'forbund:nobody'],
      forbund: [forbund.id, 'forbund:nobody'],
      consents: consentIds,
      representations: representationIds,
      treeSizes: (await db.select({ size: auditTreeHeads.treeSize }).from(auditTreeHeads)).map((r) => r.size),
      sips: sipIds,
      meetings: meetingIds,
      invitations: invitationIds,
      deliveries: deliveryIds,
      revocableConsents: consentIds.filter((id) => !sipConsents.includes(id)),
      consentPerson,
      invitationCaller,
      partyOf,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

export interface FuzzFailure {
  operation: string;
  mutation: Mutation;
  target?: string;
  method: string;
  path: string;
  status: number | 'no response';
  reason: string;
  request: string;
  response: string;
}

export interface FuzzFigures {
  seed: number;
  requests: number;
  /** Requests sent again, alone, to check a 4xx whose first run overlapped a success. */
  replays: number;
  durationMs: number;
  byStatusClass: Record<string, number>;
  byStatus: Record<string, number>;
  byMutation: Record<string, number>;
  perOperation: Record<string, { sent: number; byStatusClass: Record<string, number> }>;
  /** 4xx responses whose row counts were checked (alone, or in a group of rejections only). */
  rejectionsChecked: number;
  /** Statuses an operation answered that its responses do not list (reported, not failed). */
  undocumentedStatuses: Record<string, number>;
  /** Requests fetch refused to send or whose connection the server closed mid-upload (oversize). */
  transportErrors: number;
  errorLogLines: number;
  /** Responses outside the document in a way already reported (`knownDeviations`), counted. */
  knownDeviations: Record<string, number>;
  /** The five slowest requests (a slow one under fuzzing is a denial of service waiting to happen). */
  slowest: Array<{ operation: string; mutation: Mutation; path: string; ms: number }>;
  /** Free-text fields that took a personnummer (2xx): `operation pointer`, counted. */
  personnummerInTextAccepted: Record<string, number>;
  /** Why requests generated as valid were refused: `operation status problem`, counted. */
  validRefusals: Record<string, number>;
  failures: FuzzFailure[];
}

export interface FuzzOptions {
  requests: number;
  seed: number;
  /** Requests in flight at once; the 2-core machine gets little from more. */
  concurrency?: number;
  /** Progress lines (every 10 %); silent when absent. */
  progress?: (line: string) => void;
}

interface Sent {
  request: FuzzRequest;
  status: number | 'no response';
  contentType: string;
  body: string;
  error?: string;
}

const statusClass = (status: number | 'no response') =>
  typeof status === 'number' ? `${Math.floor(status / 100)}xx` : 'none';

function truncate(text: string, max = 400): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

function describeBody(body: Body): string {
  switch (body.kind) {
    case 'none':
      return '';
    case 'json':
      return truncate(safeStringify(body.value));
    case 'text':
      return truncate(body.text);
    case 'bytes':
      return `bytes ${truncate(JSON.stringify(body.bytes), 200)}`;
    case 'form':
      return truncate(JSON.stringify(body.fields));
  }
}

/** Mixes the run's seed with a stream number into a 32-bit fast-check seed. */
function mixSeed(seedValue: number, a: number, b: number): number {
  let h = (seedValue ^ Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) | 0;
}

/** Requests in a fixed order for the seed: every operation in turn, each from its own stream. */
function* requestStream(
  factory: RequestFactory,
  operations: Operation[],
  seedValue: number,
  total: number,
): Generator<FuzzRequest> {
  const chunk = 32;
  const arbitraries = operations.map((operation) => factory.requests(operation));
  const buffers = operations.map((): FuzzRequest[] => []);
  const chunks = operations.map(() => 0);
  for (let i = 0; i < total; i++) {
    const index = i % operations.length;
    const buffer = buffers[index] ?? [];
    if (buffer.length === 0) {
      const arbitrary = arbitraries[index];
      if (!arbitrary) throw new Error('no arbitrary');
      const n = chunks[index] ?? 0;
      chunks[index] = n + 1;
      buffer.push(...fc.sample(arbitrary, { seed: mixSeed(seedValue, index, n), numRuns: chunk }).reverse());
      buffers[index] = buffer;
    }
    const next = buffer.pop();
    if (next) yield next;
  }
}

/** A request is run alone when it may well succeed, so its row counts stay attributable. */
function mayWrite(request: FuzzRequest): boolean {
  return request.mutation === 'valid' || request.mutation === 'hostile-headers';
}

export async function fuzzGateway(options: FuzzOptions): Promise<FuzzFigures> {
  const started = performance.now();
  const concurrency = options.concurrency ?? 8;
  const { document, operations } = loadContract();
  const seeded = await seed(options.seed);
  const { gateway } = seeded;
  const counter = postgres(gateway.database.url, { max: 1, onnotice: () => {} });
  const factory = new RequestFactory(document, seeded.pools, Date.now());
  const byOperation = new Map(operations.map((operation) => [operation.id, operation]));
  const schemas = new ResponseSchemas(document, byOperation);

  const figures: FuzzFigures = {
    seed: options.seed,
    requests: 0,
    replays: 0,
    durationMs: 0,
    byStatusClass: {},
    byStatus: {},
    byMutation: {},
    perOperation: Object.fromEntries(operations.map((o) => [o.id, { sent: 0, byStatusClass: {} }])),
    rejectionsChecked: 0,
    undocumentedStatuses: {},
    transportErrors: 0,
    errorLogLines: 0,
    validRefusals: {},
    personnummerInTextAccepted: {},
    slowest: [],
    knownDeviations: {},
    failures: [],
  };
  const logLinesBefore = gateway.logs.lines.length;

  const fail = (sent: Sent, reason: string) => {
    if (figures.failures.length >= 200) return;
    figures.failures.push({
      operation: sent.request.operation,
      mutation: sent.request.mutation,
      ...(sent.request.target !== undefined ? { target: sent.request.target } : {}),
      method: sent.request.method,
      path: truncate(sent.request.path, 200),
      status: sent.status,
      reason,
      request: describeBody(sent.request.body),
      response: truncate(sent.body),
    });
  };

  const counts = async (): Promise<Counts> => {
    const [row] = await counter.unsafe<Counts[]>(
      `select ${writtenTables.map((t) => `(select count(*)::int from ${t}) as ${t}`).join(', ')}`,
    );
    if (!row) throw new Error('no counts');
    return row;
  };
  const changed = (before: Counts, after: Counts) =>
    writtenTables.filter((t) => before[t] !== after[t]).map((t) => `${t} ${before[t]}→${after[t]}`);

  const assertion = async (value: Exclude<FormValue, string>): Promise<string> => {
    if (value.assertionFor === 'unknown-issuer') {
      return signAssertion({
        issuer: 'kommun:0001',
        subject: 'x',
        audience: gateway.tokenEndpoint,
        privateJwk: await generateSigningJwk('ES256'),
      });
    }
    const audience = value.audience === 'token' ? gateway.tokenEndpoint : 'https://elsewhere.invalid/token';
    const caller = value.assertionFor;
    if (caller === 'citizen' || caller === 'representative' || caller === 'stranger') {
      return signAssertion({
        issuer: seeded.citizenIssuer.id,
        subject: seeded.personOf[caller],
        audience,
        privateJwk: seeded.citizenIssuer.privateJwk,
      });
    }
    const party = seeded.parties[caller === 'kommun-whoami-only' ? 'kommun' : caller];
    return signAssertion({
      issuer: party.id,
      subject: 'fuzz-officer',
      audience,
      privateJwk: party.privateJwk,
    });
  };

  const noteDuration = (request: FuzzRequest, ms: number) => {
    const slowest = figures.slowest;
    if (slowest.length >= 5 && (slowest[slowest.length - 1]?.ms ?? 0) >= ms) return;
    slowest.push({
      operation: request.operation,
      mutation: request.mutation,
      path: truncate(request.path, 160),
      ms: Math.round(ms),
    });
    slowest.sort((a, b) => b.ms - a.ms);
    slowest.splice(5);
  };

  const send = async (request: FuzzRequest): Promise<Sent> => {
    const headers = new Headers();
    let sendable = true;
    try {
      for (const [name, value] of request.headers) headers.append(name, value);
      const auth = request.auth;
      if (auth.kind === 'caller') {
        headers.set('authorization', `${auth.scheme ?? 'Bearer'} ${seeded.tokens[auth.caller]}`);
      } else if (auth.kind === 'raw') headers.set('authorization', auth.value);
      else if (auth.kind === 'forged') headers.set('authorization', `Bearer ${seeded.forgedToken}`);
    } catch {
      sendable = false;
    }
    let payload: Uint8Array | undefined;
    const body = request.body;
    if (body.kind === 'json') {
      payload = new TextEncoder().encode(safeStringify(body.value));
      headers.set('content-type', request.contentType ?? 'application/json');
    } else if (body.kind === 'text') {
      payload = new TextEncoder().encode(body.text);
    } else if (body.kind === 'bytes') {
      payload = Uint8Array.from(body.bytes);
    } else if (body.kind === 'form') {
      const form = new URLSearchParams();
      for (const [name, value] of body.fields)
        form.append(name, typeof value === 'string' ? value : await assertion(value));
      payload = new TextEncoder().encode(form.toString());
      headers.set('content-type', request.contentType ?? 'application/x-www-form-urlencoded');
    }
    if (body.kind !== 'json' && body.kind !== 'form' && request.contentType !== undefined) {
      try {
        headers.set('content-type', request.contentType);
      } catch {
        sendable = false;
      }
    }
    if (!sendable)
      return { request, status: 'no response', contentType: '', body: '', error: 'unsendable header' };
    try {
      const sentAt = performance.now();
      const response = await fetch(`${gateway.url}${request.path}`, {
        method: request.method,
        headers,
        ...(payload ? { body: payload } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      noteDuration(request, performance.now() - sentAt);
      return {
        request,
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body: text,
      };
    } catch (error) {
      const cause =
        error instanceof Error
          ? `${error.name}: ${error.message} ${String(error.cause ?? '')}`
          : String(error);
      return { request, status: 'no response', contentType: '', body: '', error: cause };
    }
  };

  /** The response-level invariants; returns whether the response was a rejection (4xx). */
  const check = (sent: Sent): void => {
    const { request, status } = sent;
    const operation = byOperation.get(request.operation);
    if (status === 'no response') {
      figures.transportErrors++;
      // The server may close the socket of an oversize upload before fetch finishes writing it.
      const oversize = request.mutation === 'oversize-body' || request.mutation === 'huge-string';
      if (
        !oversize ||
        !/other side closed|ECONNRESET|EPIPE|SocketError|fetch failed/i.test(sent.error ?? '')
      ) {
        fail(sent, `no response: ${sent.error ?? 'unknown'}`);
      }
      return;
    }
    const offRoute = request.mutation === 'wrong-method' || request.mutation === 'path-variant';
    if (operation && !offRoute && !operation.responses.has(status)) {
      const key = `${request.operation} ${status}`;
      figures.undocumentedStatuses[key] = (figures.undocumentedStatuses[key] ?? 0) + 1;
    }
    if (status >= 500) fail(sent, `server error ${status}`);
    const mediaType = sent.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (status >= 400) {
      const oauth = operation?.path === '/oauth2/token';
      let parsed: unknown;
      try {
        parsed = JSON.parse(sent.body);
      } catch {
        parsed = undefined;
      }
      if (oauth && mediaType === 'application/json') {
        if (!isRecord(parsed) || typeof parsed.error !== 'string') fail(sent, 'OAuth error without `error`');
        const mismatch = schemas.mismatch(request.operation, status, mediaType, parsed);
        if (mismatch) fail(sent, `OAuth error does not match its documented schema: ${mismatch}`);
        return;
      }
      if (mediaType !== 'application/problem+json') {
        fail(
          sent,
          `error response as ${sent.contentType || 'no content type'}, not application/problem+json`,
        );
        return;
      }
      if (!isRecord(parsed) || typeof parsed.type !== 'string') {
        fail(sent, 'problem+json without a `type`');
        return;
      }
      if (request.mutation === 'valid') {
        const detail = typeof parsed.detail === 'string' ? parsed.detail.slice(0, 60) : '';
        const key = `${request.operation} ${status} ${parsed.type.replace(problemTypePrefix, '')} ${detail}`;
        figures.validRefusals[key] = (figures.validRefusals[key] ?? 0) + 1;
      }
      if (!documentedProblemTypes.has(parsed.type)) fail(sent, `undocumented problem type ${parsed.type}`);
      if (parsed.status !== status) fail(sent, `problem status ${String(parsed.status)} ≠ HTTP ${status}`);
      const mismatch = schemas.mismatch(request.operation, status, mediaType, parsed);
      if (mismatch) fail(sent, `problem does not match the Problem schema: ${mismatch}`);
      return;
    }
    if (status >= 200 && status < 300 && request.mutation === 'personnummer-in-text') {
      const key = `${request.operation} ${request.target ?? ''}`;
      figures.personnummerInTextAccepted[key] = (figures.personnummerInTextAccepted[key] ?? 0) + 1;
    }
    if (status >= 200 && status < 300 && operation && sent.body.length > 0) {
      const documented = operation.responses.get(status) ?? [];
      if (documented.length > 0 && !documented.includes(mediaType)) {
        fail(sent, `${status} as ${sent.contentType}, documented: ${documented.join(', ')}`);
      } else if (mediaType === 'application/json') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(sent.body);
        } catch {
          fail(sent, `${status} with a body that is not JSON`);
          return;
        }
        for (const deviation of knownDeviations) {
          if (deviation.operations.test(request.operation) && deviation.normalise(parsed)) {
            figures.knownDeviations[deviation.name] = (figures.knownDeviations[deviation.name] ?? 0) + 1;
          }
        }
        const mismatch = schemas.mismatch(request.operation, status, mediaType, parsed);
        if (mismatch) fail(sent, `${status} does not match its documented schema: ${mismatch}`);
      }
    }
  };

  const record = (sent: Sent) => {
    figures.requests++;
    const klass = statusClass(sent.status);
    figures.byStatusClass[klass] = (figures.byStatusClass[klass] ?? 0) + 1;
    const key = String(sent.status);
    figures.byStatus[key] = (figures.byStatus[key] ?? 0) + 1;
    figures.byMutation[sent.request.mutation] = (figures.byMutation[sent.request.mutation] ?? 0) + 1;
    const perOperation = figures.perOperation[sent.request.operation];
    if (perOperation) {
      perOperation.sent++;
      perOperation.byStatusClass[klass] = (perOperation.byStatusClass[klass] ?? 0) + 1;
    }
    check(sent);
  };
  const isRejection = (sent: Sent) =>
    typeof sent.status === 'number' && sent.status >= 400 && sent.status < 500;

  /** Sends a 4xx again alone and checks that the rejection stored nothing. */
  const replayAlone = async (request: FuzzRequest) => {
    // Wait until nothing else is still writing (a late commit), so the difference is this request's.
    let before = await counts();
    for (let settled = 0; settled < 20; settled++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      const again = await counts();
      if (changed(before, again).length === 0) break;
      before = again;
    }
    const sent = await send(request);
    const after = await counts();
    figures.replays++;
    if (!isRejection(sent)) return;
    figures.rejectionsChecked++;
    const diff = changed(before, after);
    if (diff.length > 0)
      fail(sent, `rejected (${String(sent.status)}, replayed alone) but stored: ${diff.join(', ')}`);
  };

  let snapshot = await counts();
  const runGroup = async (group: FuzzRequest[]) => {
    if (group.length === 0) return;
    const before = snapshot;
    const results = await Promise.all(group.map((request) => send(request)));
    const after = await counts();
    snapshot = after;
    for (const sent of results) record(sent);
    const diff = changed(before, after);
    const rejections = results.filter(isRejection);
    if (diff.length === 0) {
      figures.rejectionsChecked += rejections.length;
      return;
    }
    // Rows changed: a success wrote, or a request of an earlier group that the client gave up on
    // committed late. Which request wrote what is unknowable, so each rejection runs again alone.
    for (const sent of rejections) await replayAlone(sent.request);
  };

  let group: FuzzRequest[] = [];
  let progressed = 0;
  let index = 0;
  for (const request of requestStream(factory, operations, options.seed, options.requests)) {
    // One stretch in eight races: everything in flight together, and each valid request sent twice
    // at once (a double submit). Rejections that overlapped a success are replayed alone.
    const racing = Math.floor(index++ / 64) % 8 === 7;
    if (racing) {
      group.push(request);
      if (request.mutation === 'valid') group.push(request);
      if (group.length >= concurrency) {
        await runGroup(group);
        group = [];
      }
    } else if (mayWrite(request)) {
      await runGroup(group);
      group = [];
      await runGroup([request]);
    } else {
      group.push(request);
      if (group.length >= concurrency) {
        await runGroup(group);
        group = [];
      }
    }
    const done = figures.requests;
    if (options.progress && done - progressed >= options.requests / 10) {
      progressed = done;
      options.progress(
        `${done}/${options.requests} requests, ${Math.round((performance.now() - started) / 1000)} s, ${figures.failures.length} failures`,
      );
    }
  }
  await runGroup(group);

  const errorLines = gateway.logs.lines.slice(logLinesBefore).filter((line) => line.includes('"level":50'));
  figures.errorLogLines = errorLines.length;
  for (const line of errorLines.slice(0, 5)) {
    figures.failures.push({
      operation: '(log)',
      mutation: 'valid',
      method: '',
      path: '',
      status: 'no response',
      reason: 'error logged',
      request: '',
      response: truncate(line, 1000),
    });
  }
  await counter.end({ timeout: 5 });
  await gateway.close();
  figures.durationMs = Math.round(performance.now() - started);
  return figures;
}

/** A short report of the figures for the console. */
export function formatFigures(figures: FuzzFigures, verbose = false): string {
  const lines = [
    `seed ${figures.seed} (replay with FUZZ_SEED=${figures.seed})`,
    `${figures.requests} requests (+${figures.replays} replayed alone) in ${(figures.durationMs / 1000).toFixed(1)} s`,
    `status classes: ${JSON.stringify(figures.byStatusClass)}`,
    `statuses: ${JSON.stringify(figures.byStatus)}`,
    `mutations: ${JSON.stringify(figures.byMutation)}`,
    `rejections checked for stored rows: ${figures.rejectionsChecked}`,
    `transport errors (oversize uploads cut off): ${figures.transportErrors}`,
    `undocumented statuses: ${JSON.stringify(figures.undocumentedStatuses)}`,
    `free text that took a personnummer: ${JSON.stringify(figures.personnummerInTextAccepted)}`,
    `known deviations from the document: ${JSON.stringify(figures.knownDeviations)}`,
    'slowest requests:',
    ...figures.slowest.map(
      (r) => `  ${String(r.ms).padStart(6)} ms  ${r.operation} (${r.mutation}) ${r.path}`,
    ),
    'valid requests refused (most frequent):',
    ...Object.entries(figures.validRefusals)
      .sort((a, b) => b[1] - a[1])
      .slice(0, verbose ? 200 : 15)
      .map(([key, n]) => `  ${String(n).padStart(5)}  ${key}`),
    'per operation (sent: classes):',
    ...Object.entries(figures.perOperation).map(
      ([id, o]) => `  ${id.padEnd(36)} ${String(o.sent).padStart(6)}  ${JSON.stringify(o.byStatusClass)}`,
    ),
    `failures: ${figures.failures.length}`,
    ...figures.failures
      .slice(0, 40)
      .map(
        (f) =>
          `  [${f.operation} ${f.mutation}${f.target ? ` at ${f.target}` : ''}] ${f.method} ${f.path} → ${f.status}: ${f.reason}\n    request: ${f.request}\n    response: ${f.response}`,
      ),
  ];
  return lines.join('\n');
}
