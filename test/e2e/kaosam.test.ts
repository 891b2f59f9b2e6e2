import { type PublishedAdditiveGroup, recoverableCells } from '@samsyn/domain';
import { createTestParty, type TestParty } from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AT, FOLLOW_UP, iso, type Person, PREVIOUS, seedKaosam } from './kaosam-scenario';
import { callApi, startTestGateway, type TestGateway } from './sip-harness';

/**
 * Kaosam 2 (Lund, February 2017) rebuilt through the public API — consents, statuses and SIPs as the
 * kommun, the region, FK and AF would publish them — and its published counts read back from the
 * förbund's follow-up endpoints: 470 people, 74 with compensation (64 full, 10 partial, 5 of them also
 * sick-listed on the rest), 166 with certificate (87 primary care, 69 psychiatry, 10 other), 193
 * without certificate, 21 without care contact, 21 suspected, 58 with a SIP, 160 at AF of whom 85
 * seeking, 20 in förstärkt samarbete, 217 remaining and 253 new; at the follow-up 142 closed, 55
 * self-supporting and 87 with continued assistance.
 */
let gateway: TestGateway;
let kommun: TestParty;
let forbund: TestParty;
let tokens: Record<string, string> = {};
let people: Person[] = [];

beforeAll(async () => {
  gateway = await startTestGateway({ bodyLimitBytes: 1024 * 1024 });
  ({ kommun, forbund, tokens, people } = await seedKaosam(gateway));
}, 180_000);
afterAll(() => gateway.close());

type Cell = { key: string; count: number | null; suppressed: boolean; share: number | null };
type Table = {
  type: 'additive' | 'overlapping';
  key: string;
  total?: number | null;
  base?: number | null;
  cells: Cell[];
};

async function report(path: string, token = tokens[forbund.id] ?? '') {
  const response = await callApi(gateway, token, 'GET', path);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  const tables = response.body.tables as Table[];
  const cell = (table: string, key: string) =>
    tables.find((t) => t.key === table)?.cells.find((c) => c.key === key)?.count;
  const total = (table: string) => {
    const found = tables.find((t) => t.key === table);
    return found?.total ?? found?.base;
  };
  return { body: response.body, tables, cell, total };
}

describe('Kaosam 2 through the public API', () => {
  it('gives the report’s target-group counts back', async () => {
    const { cell, total, tables, body } = await report(
      `/v1/metrics/target-group?at=${AT}&previous=${PREVIOUS}`,
    );
    expect(total('criteria')).toBe(470);
    expect(cell('criteria', 'compensation')).toBe(74);
    expect(cell('compensation', 'full')).toBe(64);
    expect(cell('compensation', 'partial')).toBe(10);
    expect(cell('criteria', 'partial_compensation_and_certificate')).toBe(5);
    expect(cell('criteria', 'certificate')).toBe(166);
    expect(cell('certificate_issuer', 'primary_care')).toBe(87);
    expect(cell('certificate_issuer', 'psychiatry')).toBe(69);
    expect(cell('certificate_issuer', 'other')).toBe(10);
    expect(cell('criteria', 'care_without_certificate')).toBe(193);
    expect(cell('criteria', 'incapacity_without_care')).toBe(21);
    expect(cell('criteria', 'suspected_by_social_worker')).toBe(21);
    expect(cell('sip', 'yes')).toBe(58);
    expect((cell('af', 'seeking') ?? 0) + (cell('af', 'registered') ?? 0)).toBe(160);
    expect(cell('af', 'seeking')).toBe(85);
    expect(cell('reinforced_cooperation', 'yes')).toBe(20);
    expect(cell('remaining', 'remaining')).toBe(217);
    expect(cell('remaining', 'new')).toBe(253);
    expect(body).toMatchObject({ forbund: forbund.id, at: AT, threshold: 5 });
    expect(body.definitions).toHaveProperty('targetGroup');
    // Three people with positive SGI: hidden, with a complement so the total cannot give them away.
    const sgi = tables.find((t) => t.key === 'sgi') as unknown as PublishedAdditiveGroup;
    expect(sgi.cells.find((c) => c.key === 'positive')).toMatchObject({
      count: null,
      suppressed: true,
      share: null,
    });
    expect(sgi.cells.filter((c) => c.suppressed).length).toBeGreaterThanOrEqual(2);
    for (const table of tables.filter((t) => t.type === 'additive')) {
      expect({
        table: table.key,
        recoverable: recoverableCells(table as unknown as PublishedAdditiveGroup),
      }).toEqual({
        table: table.key,
        recoverable: [],
      });
    }
  });

  it('gives the October follow-up back', async () => {
    const { cell } = await report(
      `/v1/metrics/outcomes?baseline=${AT}&followUp=${FOLLOW_UP}&previous=${PREVIOUS}`,
    );
    expect(cell('outcome', 'self_supporting')).toBe(55);
    expect(cell('outcome', 'continued_assistance')).toBe(87);
    expect(cell('outcome', 'open')).toBe(470 - 142);
    expect(cell('closure_reason', 'self_supporting_work')).toBe(55);
  });

  it('serves the same tables as CSV', async () => {
    const response = await fetch(`${gateway.url}/v1/metrics/target-group?at=${AT}`, {
      headers: { authorization: `Bearer ${tokens[forbund.id]}`, accept: 'text/csv' },
    });
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text()).trim().split('\n');
    expect(lines[0]).toBe('table,title,cell,label,count,share');
    expect(lines).toContainEqual(expect.stringMatching(/^criteria,.*,certificate,.*,166,/));
  });

  it('counts flows in the period', async () => {
    const { cell } = await report(`/v1/metrics/flows?from=${iso(-1)}&to=${iso(1)}`);
    expect(cell('sip_activity', 'sips_opened')).toBe(58);
  });

  it('lets a member kommun read its own figures, and refuses another förbund’s', async () => {
    const kommunToken = await gateway.tokenFor(kommun, 'metrics:read');
    const own = await report(`/v1/metrics/target-group?at=${AT}`, kommunToken);
    expect(own.total('criteria')).toBe(470);
    const other = await callApi(
      gateway,
      tokens[forbund.id] ?? '',
      'GET',
      `/v1/metrics/target-group?at=${AT}&forbund=forbund:elsewhere`,
    );
    expect(other.status).toBe(404);
    const outsider = await createTestParty(gateway.database.db, 'kommun');
    const outsiderToken = await gateway.tokenFor(outsider, 'metrics:read');
    expect((await callApi(gateway, outsiderToken, 'GET', `/v1/metrics/target-group?at=${AT}`)).status).toBe(
      404,
    );
  });

  it('refuses bad parameters with problem+json', async () => {
    const token = tokens[forbund.id] ?? '';
    for (const path of [
      '/v1/metrics/target-group?at=2017-02-30',
      '/v1/metrics/target-group?at=yesterday',
      '/v1/metrics/target-group',
      `/v1/metrics/target-group?at=${AT}&previous=${FOLLOW_UP}`,
      `/v1/metrics/outcomes?baseline=${AT}&followUp=${PREVIOUS}`,
      `/v1/metrics/outcomes?baseline=${AT}&followUp=${AT}`,
      `/v1/metrics/flows?from=${AT}&to=${PREVIOUS}`,
      '/v1/metrics/flows?from=2017-01-01',
    ]) {
      const response = await fetch(`${gateway.url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect({ path, status: response.status }).toEqual({ path, status: 422 });
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('drops a person whose follow-up consent is withdrawn from every snapshot computed afterwards', async () => {
    const suspected = people.find((p) => p.group === 'suspected');
    const revoked = await callApi(
      gateway,
      tokens[kommun.id] ?? '',
      'POST',
      `/v1/consents/${suspected?.consentId}/revocation`,
      {
        reason: 'Personen drog tillbaka sitt samtycke.',
      },
    );
    expect(revoked.status).toBe(200);
    const { cell, total } = await report(`/v1/metrics/target-group?at=${AT}`);
    expect(total('criteria')).toBe(469);
    expect(cell('criteria', 'suspected_by_social_worker')).toBe(20);
  });
});
