import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

interface SpectralResult {
  code: string;
  path: string[];
  severity: number;
}

/** Lints a document with the project's ruleset and returns the error-level findings (severity 0). */
async function lint(document: unknown): Promise<SpectralResult[]> {
  const file = path.join(directory, `case-${Math.random().toString(36).slice(2)}.openapi.json`);
  await writeFile(file, JSON.stringify(document));
  const spectral = path.join(root, 'node_modules/.bin/spectral');
  const args = ['lint', '--format', 'json', '--quiet', '--ruleset', 'openapi/spectral.mjs', file];
  // spectral exits non-zero when it finds errors; its JSON report is on stdout either way.
  const { stdout } = await run(spectral, args, { cwd: root }).catch((error: { stdout: string }) => error);
  return (JSON.parse(stdout) as SpectralResult[]).filter((result) => result.severity === 0);
}

let directory: string;
let gateway: Record<string, unknown> & {
  paths: Record<string, unknown>;
  components: { securitySchemes: object };
};
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'samsyn-spectral-'));
  gateway = JSON.parse(await readFile(path.join(root, 'openapi/gateway.openapi.json'), 'utf8'));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

const int32 = { type: 'integer', format: 'int32', minimum: 0, maximum: 100 };

describe('the DIGG rules of openapi/spectral.mjs', () => {
  it('pass the committed gateway document', async () => {
    expect(await lint(gateway)).toEqual([]);
  });

  it('catch every violation of the profile they encode', async () => {
    const whoami = gateway.paths['/v1/whoami'];
    const bad = structuredClone({
      ...gateway,
      paths: {
        ...gateway.paths,
        '/cases': whoami,
        '/v1/Person/{personnummer}': {
          get: {
            operationId: 'getPerson',
            parameters: [
              { name: 'personnummer', in: 'path', required: true, schema: { type: 'string', maxLength: 12 } },
              { name: 'offset', in: 'query', schema: int32 },
              { name: 'limit', in: 'query', schema: int32 },
            ],
            responses: {
              200: {
                description: 'ok',
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      properties: {
                        createdAt: { type: 'string', maxLength: 30 },
                        validFrom: { type: 'string', maxLength: 10 },
                      },
                    },
                  },
                },
              },
              404: {
                description: 'missing',
                content: { 'application/json': { schema: { type: 'object' } } },
              },
            },
          },
        },
      },
      components: {
        ...gateway.components,
        securitySchemes: {
          ...gateway.components.securitySchemes,
          key: { type: 'apiKey', in: 'header', name: 'X-Key' },
        },
      },
    });
    const codes = new Set((await lint(bad)).map((result) => result.code));
    expect([...codes].filter((code) => code.startsWith('digg-')).sort()).toEqual([
      'digg-bearer-tokens-only',
      'digg-dates-are-formatted',
      'digg-limit-page-pagination',
      'digg-no-personnummer-in-path-template',
      'digg-no-personnummer-in-url',
      'digg-pagination-has-default',
      'digg-plural-kebab-case-resources',
      'digg-problem-json-errors',
      'digg-utc-date-times',
      'digg-versioned-paths',
    ]);
  });
});
