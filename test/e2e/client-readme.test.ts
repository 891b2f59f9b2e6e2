import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PublicJwks } from '@samsyn/db';
import { createTestParty, type TestParty, testPersonnummer } from '@samsyn/testkit';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSnippetModule,
  extractSnippets,
  type Snippet,
} from '../../packages/client/test/readme-snippets';
import {
  allScopes,
  callApi,
  dispatcherSettings,
  startDispatcher,
  startTestGateway,
  type TestGateway,
} from './sip-harness';

/**
 * Runs packages/client/README.md: its `ts` blocks, joined into one program as a reader would write
 * it, are type-checked and then executed block by block against a real gateway and dispatcher, with
 * assertions after each block on what it did. How the blocks are joined:
 * packages/client/test/readme-snippets.ts.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(path.join(root, 'packages/client/README.md'), 'utf8');
const snippets = extractSnippets(readme);

const kommunId = 'kommun:1281';
const regionId = 'region:12';
const personnummer = testPersonnummer();

interface Step {
  name: string;
  values: Record<string, unknown>;
}
type Run = (setup: Record<string, unknown>) => AsyncGenerator<Step, void, undefined>;

let gateway: TestGateway;
let dispatcher: ReturnType<typeof startDispatcher>;
let region: TestParty;
let regionToken = '';
let directory = '';
let moduleFile = '';
let steps: AsyncGenerator<Step, void, undefined> | undefined;
const printed: string[] = [];
/** Every value a block exposed so far, for later checks. */
const seen: Record<string, unknown> = {};

/** What each block must have done; `expose` names the variables of the block the checks read. */
const checks: Record<
  string,
  {
    expose: string[];
    before?: () => Promise<void>;
    after: (values: Record<string, unknown>) => Promise<void>;
  }
> = {
  keys: {
    expose: ['jwks', 'privateJwk'],
    after: async ({ jwks, privateJwk }) => {
      const [publicJwk] = (jwks as PublicJwks).keys;
      expect(publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(publicJwk).not.toHaveProperty('d');
      expect(privateJwk).toMatchObject({ kid: publicJwk?.kid, d: expect.any(String) });
      // What Samsyn's operators do with the JWKS the block produced: register it for the party.
      await createTestParty(gateway.database.db, 'kommun', { id: kommunId, jwks: jwks as PublicJwks });
    },
  },
  tokens: {
    expose: ['accessToken'],
    after: async ({ accessToken }) => {
      // The key generated above, registered, gets a token that works.
      const response = await fetch(`${gateway.url}/v1/whoami`, {
        headers: { authorization: `Bearer ${String(accessToken)}` },
      });
      expect(await response.json()).toMatchObject({ party: { id: kommunId }, officer: 'handlaggare-17' });
      expect(decodeJwt(String(accessToken)).scope).toContain('webhook:write');
    },
  },
  client: {
    expose: ['me'],
    after: async ({ me }) => {
      expect(me).toMatchObject({ kind: 'agency', party: { id: kommunId } });
      expect(printed).toContain(kommunId);
    },
  },
  consent: {
    expose: ['consent', 'receipt'],
    after: async ({ consent, receipt }) => {
      expect(consent).toMatchObject({ state: 'valid', parties: [kommunId, regionId] });
      expect(decodeProtectedHeader(String(receipt)).typ).toBe('consent-receipt+jwt');
      // The other party named in it sees it too.
      const id = String((consent as { id: string }).id);
      const read = await callApi(gateway, regionToken, 'GET', `/v1/consents/${id}`);
      expect(read.status).toBe(200);
    },
  },
  publish: {
    expose: ['published', 'retried'],
    after: async ({ published, retried }) => {
      expect(published).toMatchObject({ category: 'assistance', kind: 'active', current: true });
      expect(retried).toEqual(published);
      expect(printed.at(-1)).toBe('true');
      // The region reads what the block published, under the consent the kommun recorded.
      const read = await callApi(gateway, regionToken, 'POST', '/v1/status-queries', {
        personnummer,
        purpose: 'sip',
        categories: ['assistance'],
      });
      expect(read.body.categories).toEqual([
        {
          category: 'assistance',
          access: 'granted',
          statuses: [
            expect.objectContaining({ party: expect.objectContaining({ id: kommunId }), kind: 'active' }),
          ],
        },
      ]);
    },
  },
  batch: {
    expose: ['batch'],
    after: async ({ batch }) => {
      expect((batch as { results: Array<{ index: number; category: string }> }).results).toEqual([
        expect.objectContaining({ index: 0, category: 'planning' }),
        expect.objectContaining({ index: 1, category: 'incapacity' }),
      ]);
    },
  },
  query: {
    expose: ['categories'],
    before: async () => {
      // Meanwhile the region has published a certificate, which the kommun's query should see.
      const published = await fetch(`${gateway.url}/v1/status-events`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${regionToken}`,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({
          personnummer,
          category: 'certificate',
          kind: 'issued',
          effectiveDate: '2026-11-02',
          data: {
            validFrom: '2026-11-02',
            validUntil: '2026-12-31',
            extentPercent: 100,
            issuerKind: 'psychiatry',
            dfaChainComplete: true,
          },
        }),
      });
      expect(published.status).toBe(201);
    },
    after: async ({ categories }) => {
      expect(printed).toEqual(
        expect.arrayContaining([
          `assistance ${kommunId} active`,
          `planning ${kommunId} need_assessed`,
          `incapacity ${kommunId} suspected_by_social_worker`,
          `certificate ${regionId} issued`,
        ]),
      );
      // Categories the consent leaves out come back withheld.
      expect(categories).toContainEqual({ category: 'diagnosis', access: 'withheld' });
    },
  },
  timeline: {
    expose: ['history'],
    after: async ({ history }) => {
      // Four events at two a page: the block followed the pages to the end.
      const events = history as string[];
      expect([...events].sort()).toEqual([
        `2026-11-01 assistance active (${kommunId})`,
        `2026-11-02 certificate issued (${regionId})`,
        `2026-11-03 incapacity suspected_by_social_worker (${kommunId})`,
        `2026-11-03 planning need_assessed (${kommunId})`,
      ]);
      // Newest first, across the page boundary too.
      const dates = events.map((event) => event.slice(0, 10));
      expect(dates).toEqual([...dates].sort().reverse());
    },
  },
  webhooks: {
    expose: ['secret', 'server', 'inbox'],
    after: async ({ secret }) => {
      expect(String(secret)).toMatch(/^whsec_/);
    },
  },
  sip: {
    expose: ['sip', 'meeting'],
    after: async ({ sip, meeting }) => {
      const sipId = (sip as { id: string }).id;
      const read = await callApi(gateway, regionToken, 'GET', `/v1/sips/${sipId}`);
      expect(read.status).toBe(200);
      // `Prefer: return=minimal` was sent: the answer named the meeting, not the SIP.
      const meetings = read.body.meetings as Array<{ id: string }>;
      expect(meetings.map((m) => m.id)).toEqual([(meeting as { id: string }).id]);
    },
  },
  inbox: {
    expose: [],
    before: async () => {
      // The dispatcher delivers the invitation to the block's receiver and records it as delivered.
      await expect
        .poll(() => inbox().map((event) => event.type), { timeout: 15_000 })
        .toEqual(['invitation.created']);
      await expect
        .poll(() => kommunInvitationDelivery(), { timeout: 10_000 })
        .toMatchObject({
          state: 'delivered',
        });
    },
    after: async () => {
      expect(printed.at(-1)).toMatch(/Stadshuset, rum 4 Den enskilde$/);
      const sipId = (seen.sip as { id: string }).id;
      const read = await callApi(gateway, regionToken, 'GET', `/v1/sips/${sipId}`);
      const [meeting] = read.body.meetings as Array<{ invitations: Array<{ party: string; rsvp: string }> }>;
      expect(meeting?.invitations).toContainEqual(
        expect.objectContaining({ party: kommunId, rsvp: 'accepted' }),
      );
    },
  },
  'dead-letters': {
    expose: ['dead'],
    before: async () => {
      // Stands in for a day of failed attempts: the invitation the kommun did get becomes a dead letter.
      await gateway.database.sql`
        update deliveries set state = 'dead' where party_id = ${kommunId} and event_type = 'invitation.created'`;
    },
    after: async ({ dead }) => {
      const delivery = await kommunInvitationDelivery();
      expect(dead).toEqual([delivery?.id]);
      // Sent again with the same webhook-id: delivered, and taken by the verifier as a duplicate.
      await expect
        .poll(() => kommunInvitationDelivery(), { timeout: 15_000 })
        .toMatchObject({
          state: 'delivered',
          attempts: 2,
        });
      expect(inbox()).toHaveLength(1);
    },
  },
  errors: {
    expose: ['refused'],
    after: async ({ refused }) => {
      expect(printed).toContainEqual(expect.stringMatching(/^not ours to publish 403 [0-9a-f-]{36}$/));
      expect(refused).toMatchObject({ type: 'urn:samsyn:problem:validation-failed', status: 422 });
      // A validUntil of yesterday breaks two rules; each failing field is listed with its pointer.
      expect(printed.at(-1)).toMatch(/^\/validUntil must be /);
    },
  },
};

function inbox(): Array<{ type: string }> {
  return (seen.inbox as Array<{ type: string }> | undefined) ?? [];
}

async function kommunInvitationDelivery() {
  // The API lists deliveries to their own party only and the test holds no kommun token: read the row.
  const rows = await gateway.database.sql`
    select id, state, attempts from deliveries where party_id = ${kommunId} and event_type = 'invitation.created'`;
  return rows[0] as { id: string; state: string; attempts: number } | undefined;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  gateway = await startTestGateway();
  region = await createTestParty(gateway.database.db, 'region', { id: regionId });
  regionToken = await gateway.tokenFor(region, allScopes, 'lakare-1');
  dispatcher = startDispatcher(dispatcherSettings(gateway));
  // Inside the repository so that `@samsyn/client` and `jose` resolve as they do for a reader; under a
  // `.data` directory, which git, Biome and tsc's project all leave alone should a run die midway.
  directory = path.join(root, 'test/e2e/.data', `client-readme-${randomUUID()}`);
  await mkdir(directory, { recursive: true });
  moduleFile = path.join(directory, 'readme.ts');
  await writeFile(moduleFile, buildSnippetModule(snippets, checksFor(snippets)));
});

afterAll(async () => {
  await steps?.return();
  const server = seen.server as Server | undefined;
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
  await dispatcher?.stop();
  await gateway?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

function checksFor(list: Snippet[]): Record<string, string[]> {
  return Object.fromEntries(list.map((snippet) => [snippet.name, checks[snippet.name]?.expose ?? []]));
}

describe('packages/client/README.md', () => {
  it('marks every ts block with a snippet name the test checks, and a setup block of what it supplies', () => {
    const names = snippets.map((snippet) => snippet.name);
    expect(names[0]).toBe('setup');
    expect(names.slice(1).sort()).toEqual(Object.keys(checks).sort());
    const declared = [...(snippets[0]?.code ?? '').matchAll(/^const (\w+) =/gm)].map((m) => m[1]);
    expect(declared.sort()).toEqual([
      'baseUrl',
      'partyId',
      'personnummer',
      'regionId',
      'webhookPort',
      'webhookUrl',
    ]);
  });

  it('type-checks as one program under the repository’s compiler settings', () => {
    const config = ts.readConfigFile(path.join(root, 'tsconfig.base.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram([moduleFile], { ...options, noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      if (!diagnostic.file || diagnostic.start === undefined) return message;
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const text = diagnostic.file.text.split('\n')[line] ?? '';
      return `${path.relative(root, diagnostic.file.fileName)}:${line + 1}: ${message}\n  ${text}`;
    });
    expect(problems).toEqual([]);
  }, 60_000);

  for (const snippet of snippets.slice(1)) {
    it(`runs the "${snippet.name}" block against the gateway`, async () => {
      const check = checks[snippet.name];
      if (!check) throw new Error(`no checks for snippet ${snippet.name}`);
      steps ??= await start();
      await check.before?.();
      const next = await steps.next();
      if (next.done) throw new Error(`the program ended before ${snippet.name}`);
      expect(next.value.name).toBe(snippet.name);
      Object.assign(seen, next.value.values);
      await check.after(next.value.values);
    });
  }
});

async function start(): Promise<AsyncGenerator<Step, void, undefined>> {
  const loaded: unknown = await import(moduleFile);
  const run = (loaded as { run?: unknown }).run;
  if (typeof run !== 'function') throw new Error('the README module has no run()');
  const setup = {
    baseUrl: gateway.url,
    partyId: kommunId,
    regionId,
    personnummer,
    webhookPort: await freePort(),
    console: { log: (...values: unknown[]) => printed.push(values.map(String).join(' ')) },
  };
  return (run as Run)({ ...setup, webhookUrl: `http://127.0.0.1:${setup.webhookPort}/samsyn/webhooks` });
}
