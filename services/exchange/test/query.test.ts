import { auditLog, consents, statutoryBases } from '@samsyn/db';
import { type Category, parsePersonNumber } from '@samsyn/domain';
import {
  createTestConsent,
  exampleStatusEvent,
  type TestConsentOptions,
  type TestParty,
  type TestService,
  testPersonnummer,
} from '@samsyn/testkit';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKey, startExchange } from './harness';

let svc: TestService;
let kommun: TestParty;
let region: TestParty;
let fk: TestParty;
/** Every response of a query that granted at least one category: the reads that must be audited. */
let successfulReads = 0;

beforeAll(async () => {
  svc = await startExchange();
  kommun = await svc.party('kommun');
  region = await svc.party('region');
  fk = await svc.party('fk');
});
afterAll(() => svc.close());

interface QueryResult {
  purpose: string;
  categories: Array<{
    category: string;
    access: 'granted' | 'withheld';
    statuses?: Array<{ party: { id: string }; kind: string }>;
  }>;
}

async function publish(party: TestParty, personnummer: string, category: Category, effectiveDate?: string) {
  const response = await svc.call(
    party,
    'POST',
    '/v1/status-events',
    exampleStatusEvent(personnummer, category, effectiveDate),
    idempotencyKey(),
  );
  expect(response.status).toBe(201);
}

async function query(party: TestParty, body: Record<string, unknown>): Promise<QueryResult> {
  const response = await svc.call(party, 'POST', '/v1/status-queries', body);
  expect(response.status).toBe(200);
  const result = (await response.json()) as QueryResult;
  if (result.categories.some((c) => c.access === 'granted')) successfulReads++;
  return result;
}

function consent(personnummer: string, overrides: Partial<TestConsentOptions> = {}) {
  return createTestConsent(svc.database.db, svc.deps.persons, {
    personnummer,
    parties: [kommun.id, region.id],
    categories: ['certificate'],
    purposes: ['sip'],
    ...overrides,
  });
}

const hour = 3_600_000;

describe('a status query', () => {
  it('returns the statuses a valid consent covers, and withholds the rest', async () => {
    const personnummer = testPersonnummer();
    await publish(region, personnummer, 'certificate');
    await publish(region, personnummer, 'diagnosis');
    await consent(personnummer);
    const result = await query(kommun, {
      personnummer,
      purpose: 'sip',
      categories: ['certificate', 'diagnosis'],
    });
    expect(result.categories).toEqual([
      {
        category: 'certificate',
        access: 'granted',
        statuses: [
          expect.objectContaining({
            party: { id: region.id, displayName: `Test ${region.id}` },
            kind: 'issued',
          }),
        ],
      },
      { category: 'diagnosis', access: 'withheld' },
    ]);
  });

  const matrix: Array<[string, (personnummer: string) => Partial<TestConsentOptions>]> = [
    [
      'expired',
      () => ({ validFrom: new Date(Date.now() - 48 * hour), validUntil: new Date(Date.now() - hour) }),
    ],
    ['not yet valid', () => ({ validFrom: new Date(Date.now() + hour) })],
    ['revoked', () => ({ revokedAt: new Date(Date.now() - 1000) })],
    ['for another purpose', () => ({ purposes: ['consultation'] })],
    ['not naming the requesting party', () => ({ parties: [region.id, fk.id] })],
    ['not naming the publishing party', () => ({ parties: [kommun.id, fk.id] })],
    ['not naming the category', () => ({ categories: ['diagnosis'] })],
  ];
  for (const [name, terms] of matrix) {
    it(`withholds under a consent ${name}`, async () => {
      const personnummer = testPersonnummer();
      await publish(region, personnummer, 'certificate');
      await consent(personnummer, terms(personnummer));
      const result = await query(kommun, { personnummer, purpose: 'sip', categories: ['certificate'] });
      // "Not naming the publishing party" still grants the category (the consent covers kommun and fk),
      // but no status from the region may pass.
      const expected =
        name === 'not naming the publishing party'
          ? { category: 'certificate', access: 'granted', statuses: [] }
          : { category: 'certificate', access: 'withheld' };
      expect(result.categories).toEqual([expected]);
    });
  }

  it('withholds in the same shape whether or not anything is published', async () => {
    const withData = testPersonnummer();
    const withoutData = testPersonnummer();
    await publish(region, withData, 'certificate');
    await publish(kommun, withData, 'assistance');
    const a = await query(fk, { personnummer: withData, purpose: 'coordination' });
    const b = await query(fk, { personnummer: withoutData, purpose: 'coordination' });
    expect(a).toEqual(b);
    expect(a.categories.every((c) => c.access === 'withheld')).toBe(true);
    expect(a.categories).toHaveLength(9);
  });

  it('stops at once when the consent is revoked', async () => {
    const personnummer = testPersonnummer();
    await publish(region, personnummer, 'certificate');
    const row = await consent(personnummer);
    const before = await query(kommun, { personnummer, purpose: 'sip', categories: ['certificate'] });
    expect(before.categories[0]?.access).toBe('granted');
    await svc.database.db.update(consents).set({ revokedAt: sql`now()` }).where(eq(consents.id, row.id));
    const after = await query(kommun, { personnummer, purpose: 'sip', categories: ['certificate'] });
    expect(after.categories).toEqual([{ category: 'certificate', access: 'withheld' }]);
  });

  it('applies a registered statutory basis only under its conditions, and names it in the audit', async () => {
    const personnummer = testPersonnummer();
    await publish(fk, personnummer, 'insurance');
    const body = { personnummer, purpose: 'assistance_assessment', categories: ['insurance'] };
    // Registry empty: nothing flows on a statute.
    expect((await query(kommun, body)).categories[0]?.access).toBe('withheld');
    await svc.database.db.insert(statutoryBases).values({
      id: `sol-11-11-${Date.now()}`,
      reference: 'SoL 11 kap. 11 §',
      description: 'A kommun assessing an application for assistance may obtain FK and AF data',
      requesterKinds: ['kommun'],
      publisherKinds: ['fk', 'af'],
      categories: ['insurance', 'coordination', 'employment'],
      purposes: ['assistance_assessment'],
      conditions: ['active_assistance_at_requester'],
    });
    // Registered, but the requesting kommun has no active assistance case: still withheld.
    expect((await query(kommun, body)).categories[0]?.access).toBe('withheld');
    await publish(kommun, personnummer, 'assistance');
    const granted = await query(kommun, body);
    expect(granted.categories[0]).toMatchObject({
      access: 'granted',
      statuses: [expect.objectContaining({ party: expect.objectContaining({ id: fk.id }) })],
    });
    // Another kommun, without the case, does not qualify.
    const other = await svc.party('kommun');
    expect((await query(other, body)).categories[0]?.access).toBe('withheld');
    const [audit] = await svc.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.personKey, keyOf(personnummer)))
      .orderBy(sql`${auditLog.id} desc`)
      .limit(1);
    expect(audit).toMatchObject({
      action: 'status.read',
      legalBasis: 'SoL 11 kap. 11 §',
      consentIds: [],
      categories: ['insurance'],
    });
    expect(audit?.statutoryBasisIds).toHaveLength(1);
    await svc.database.db.update(statutoryBases).set({ active: false });
  });
});

function keyOf(personnummer: string): string {
  const parsed = parsePersonNumber(personnummer);
  if (!parsed.ok) throw new Error('bad test number');
  return svc.deps.persons.keyOf(parsed.value.normalised);
}

describe('the timeline', () => {
  it('pages through the history newest first, only from covered publishers', async () => {
    const personnummer = testPersonnummer();
    for (let day = 1; day <= 7; day++) await publish(region, personnummer, 'care', `2026-10-0${day}`);
    await publish(fk, personnummer, 'insurance');
    await consent(personnummer, { categories: ['care', 'insurance'] });
    const pages = [];
    for (let page = 1; page <= 3; page++) {
      const response = await svc.call(kommun, 'POST', `/v1/status-timeline-queries?limit=3&page=${page}`, {
        personnummer,
        purpose: 'sip',
        categories: ['care', 'insurance', 'diagnosis'],
      });
      expect(response.status).toBe(200);
      successfulReads++;
      pages.push(
        (await response.json()) as {
          events: Array<{ effectiveDate: string; category: string }>;
          withheldCategories: string[];
          page: { hasMore: boolean };
        },
      );
    }
    expect(pages.map((p) => p.events.map((e) => e.effectiveDate))).toEqual([
      ['2026-10-07', '2026-10-06', '2026-10-05'],
      ['2026-10-04', '2026-10-03', '2026-10-02'],
      ['2026-10-01'],
    ]);
    expect(pages.map((p) => p.page.hasMore)).toEqual([true, true, false]);
    // The fk insurance event is not covered (fk is not named), diagnosis not consented.
    expect(pages.flatMap((p) => p.events).every((e) => e.category === 'care')).toBe(true);
    expect(pages[0]?.withheldCategories).toEqual(['diagnosis']);
  });
});

describe('the access log', () => {
  it('holds exactly one record per successful read, with what it relied on', async () => {
    const reads = await svc.database.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.action} in ('status.read', 'status.timeline.read')`);
    expect(successfulReads).toBeGreaterThan(5);
    expect(reads).toHaveLength(successfulReads);
    for (const read of reads) {
      // Only the first kommun was ever granted anything; fk's and the other kommun's queries were withheld.
      expect(read.partyId).toBe(kommun.id);
      expect(read.consentIds.length + read.statutoryBasisIds.length).toBeGreaterThan(0);
      expect(read.requestId).toMatch(/[0-9a-f-]{36}/);
    }
  });

  it('never logs a personnummer', () => {
    const text = svc.logs.lines.join('\n');
    expect(text).not.toMatch(/(?<!\d)(19|20)\d{6}-?\d{4}(?!\d)/);
  });
});
