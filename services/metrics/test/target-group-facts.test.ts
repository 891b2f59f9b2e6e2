import { randomUUID } from 'node:crypto';
import type { AgencyCaller } from '@samsyn/auth';
import { followUpFacts, sips } from '@samsyn/db';
import { type Category, categories, type PartyKind, type TargetGroupRow } from '@samsyn/domain';
import type { FiguresScope } from '@samsyn/http';
import {
  createTestConsent,
  createTestDatabase,
  createTestParty,
  type TestDatabase,
  testPersonnummer,
  testPersonVault,
} from '@samsyn/testkit';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvents } from '../../exchange/src/publish';
import type { StatusEventInput } from '../../exchange/src/schemas';
import { exactFactCounts, factCountsAt } from '../src/facts';
import {
  countedRows,
  countsOf,
  type TargetGroupCount,
  targetGroupReport,
  targetGroupRows,
  targetGroupTables,
} from '../src/target-group';

/**
 * The fast snapshot (the follow_up_facts projection, counted by facts in PostgreSQL) against the exact
 * path (every person's statuses classified one by one) on varied, seeded data published through the
 * exchange's own publishing code: several parties per category, consents that leave parties and
 * categories out, revoked and expired consents, late and future-dated events, dates on 29 February and
 * on anniversaries of the report date, certificates ending on the report date, SIPs open and closed.
 */
const dayMs = 86_400_000;
const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
const iso = (offset: number) => new Date(today.getTime() + offset * dayMs).toISOString().slice(0, 10);
const reportDays = [0, -1, -45, -400, 30, 365];

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(values: readonly T[]): T => values[int(values.length)] as T;
  const chance = (p: number) => next() < p;
  return { int, pick, chance };
}

const seed = Number(process.env.FACTS_SEED ?? 20261125);
const random = generator(seed);

/** A date near the interesting boundaries of the report days: anniversaries, 29 February, the days themselves. */
function interestingDate(): string {
  const report = new Date(today.getTime() + random.pick(reportDays) * dayMs);
  switch (random.int(5)) {
    case 0:
      return `${2000 + random.int(7) * 4}-02-29`;
    case 1: {
      const years = random.int(14);
      const shifted = new Date(
        Date.UTC(
          report.getUTCFullYear() - years,
          report.getUTCMonth(),
          report.getUTCDate() + random.int(3) - 1,
        ),
      );
      return shifted.toISOString().slice(0, 10);
    }
    case 2:
      return new Date(report.getTime() + (random.int(5) - 2) * dayMs).toISOString().slice(0, 10);
    default:
      return iso(-random.int(6000));
  }
}

function dataFor(category: Category): { kind: string; data: Record<string, unknown> } {
  const date = interestingDate;
  switch (category) {
    case 'assistance':
      return random.chance(0.85)
        ? {
            kind: 'active',
            data: {
              extent: random.pick(['full', 'supplementary']),
              since: date(),
              obstacle: 'sick_without_certificate',
            },
          }
        : { kind: 'closed', data: { closedOn: date(), reason: 'self_supporting_work' } };
    case 'planning':
      return random.pick([
        {
          kind: 'need_assessed',
          data: { needGroup: random.pick(['AM1', 'AM2', 'RH1', 'RH3']), assessedOn: date() },
        },
        { kind: 'plan_active', data: { activity: 'mapping', since: date() } },
        { kind: 'plan_active', data: { needGroup: 'AM3', activity: 'studies', since: date() } },
        { kind: 'plan_ended', data: { endedOn: date(), outcome: 'next_step' } },
      ]);
    case 'incapacity':
      return random.pick([
        { kind: 'reported_without_care_contact', data: { reportedOn: date() } },
        { kind: 'suspected_by_social_worker', data: { notedOn: date() } },
        { kind: 'resolved', data: { resolvedOn: date() } },
      ]);
    case 'care':
      return random.chance(0.7)
        ? {
            kind: 'in_contact',
            data: { setting: random.pick(['primary_care', 'psychiatry']), rehabCoordinator: false },
          }
        : { kind: 'no_contact', data: {} };
    case 'certificate': {
      if (random.chance(0.15)) return { kind: 'ended', data: { endedOn: date() } };
      const from = date();
      const until = random.chance(0.5)
        ? iso(random.pick(reportDays) + random.int(3) - 1)
        : new Date(new Date(`${from}T00:00:00Z`).getTime() + random.int(400) * dayMs)
            .toISOString()
            .slice(0, 10);
      const [validFrom, validUntil] = [from, until].sort();
      return {
        kind: 'issued',
        data: {
          validFrom,
          validUntil,
          extentPercent: random.pick([25, 50, 100]),
          issuerKind: random.pick(['primary_care', 'psychiatry', 'other']),
          dfaChainComplete: true,
        },
      };
    }
    case 'diagnosis': {
      const codes = ['F32.1', 'F32.2', 'F41.1', 'M79.7', 'D48', 'D50.1', 'H60', 'H59.1', 'U07.1', 'Z73.0'];
      const count = 1 + random.int(3);
      return { kind: 'recorded', data: { codes: Array.from({ length: count }, () => random.pick(codes)) } };
    }
    case 'insurance':
      return {
        kind: 'status',
        data: {
          sgi: random.pick(['positive', 'zero', 'unknown']),
          sicknessBenefit: random.chance(0.2),
          compensation: random.chance(0.4)
            ? {
                kind: random.pick(['sickness', 'activity']),
                extent: random.pick(['full', 'partial']),
                degreePercent: random.pick([50, 100]),
              }
            : null,
          pendingApplication: null,
          lastDecision: null,
        },
      };
    case 'coordination':
      return {
        kind: 'status',
        data: {
          samordning: random.pick(['none', 'applied', 'granted', 'rejected', 'closed']),
          reinforcedCooperation: random.chance(0.3),
          jointMapping: false,
        },
      };
    case 'employment':
      return random.chance(0.8)
        ? {
            kind: 'registered',
            data: {
              activelySeeking: random.chance(0.5),
              withImpediment: false,
              programme: null,
              activitySupport: false,
            },
          }
        : { kind: 'not_registered', data: {} };
  }
}

const owners: Record<Category, PartyKind[]> = {
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

let database: TestDatabase;
let scope: FiguresScope;
let wholeForbund: FiguresScope;
const people = 260;

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  const vault = testPersonVault();
  const kommun = await createTestParty(db, 'kommun');
  const otherKommun = await createTestParty(db, 'kommun');
  const outsideKommun = await createTestParty(db, 'kommun');
  const region = await createTestParty(db, 'region');
  const otherRegion = await createTestParty(db, 'region');
  const fk = await createTestParty(db, 'fk');
  const af = await createTestParty(db, 'af');
  const forbund = await createTestParty(db, 'forbund', {
    memberIds: [kommun.id, otherKommun.id, region.id, fk.id, af.id],
  });
  scope = { forbundId: forbund.id, kommunIds: [kommun.id], ownPart: true };
  wholeForbund = { forbundId: forbund.id, kommunIds: [kommun.id, otherKommun.id], ownPart: false };
  const byKind: Record<PartyKind, string[]> = {
    kommun: [kommun.id, otherKommun.id, outsideKommun.id],
    region: [region.id, otherRegion.id],
    fk: [fk.id],
    af: [af.id],
    forbund: [],
  };
  const kindOf = new Map(
    Object.entries(byKind).flatMap(([kind, ids]) => ids.map((id) => [id, kind as PartyKind])),
  );

  const published = new Map<string, StatusEventInput[]>();
  for (let i = 0; i < people; i++) {
    const personnummer = testPersonnummer({ birthYear: 1955 + random.int(55) });
    // Most people as most are: one party a category, a consent naming everyone, nothing future-dated.
    const plain = random.chance(0.6);
    const consents = plain ? 1 : random.int(3);
    for (let c = 0; c < consents; c++) {
      const allParties = [...byKind.kommun, ...byKind.region, fk.id, af.id];
      const parties = plain ? allParties : allParties.filter(() => random.chance(0.7));
      const covered = plain
        ? [...categories]
        : categories.filter((cat) => cat === 'assistance' || random.chance(0.75));
      const consent = await createTestConsent(db, vault, {
        personnummer,
        parties: [...parties, ...(random.chance(0.95) ? [forbund.id] : [])],
        categories: covered,
        purposes: random.chance(0.95) ? ['follow_up'] : ['sip'],
        validUntil: new Date(Date.now() + (random.chance(0.95) ? 300 : -1) * dayMs),
        validFrom: new Date(Date.now() - 400 * dayMs),
        revokedAt: random.chance(0.05) ? new Date(Date.now() - dayMs) : null,
      });
      if (random.chance(0.2)) {
        await db.insert(sips).values({
          id: randomUUID(),
          personKey: consent.personKey,
          consentId: consent.id,
          phase: 'planning',
          participants: [kommun.id, region.id],
          principalParty: kommun.id,
          coordinator: { party: kommun.id, name: 'Samordnare' },
          needs: [],
          goals: [],
          actions: [],
          openedByParty: kommun.id,
          openedByOfficer: 'officer-1',
          openedAt: new Date(today.getTime() - random.int(500) * dayMs),
          closedAt: random.chance(0.4) ? new Date(today.getTime() - random.int(100) * dayMs) : null,
        });
      }
    }
    for (const category of categories) {
      if (category !== 'assistance' && random.chance(0.3)) continue;
      const candidates = owners[category].flatMap((kind) => byKind[kind]);
      const publishers = plain
        ? [
            category === 'assistance'
              ? random.chance(0.9)
                ? kommun.id
                : otherKommun.id
              : random.pick(candidates),
          ]
        : candidates.filter(() => random.chance(0.5));
      for (const party of publishers) {
        for (let e = 1 + random.int(3); e > 0; e--) {
          const effectiveDate = plain ? iso(-random.int(900)) : iso(random.int(1000) - 900);
          const { kind, data } = dataFor(category);
          const list = published.get(party) ?? [];
          list.push({ personnummer, category, kind, effectiveDate, data } as StatusEventInput);
          published.set(party, list);
        }
      }
    }
  }
  // Publish in interleaved batches, so late events about the past arrive after newer ones.
  const queues = [...published.entries()];
  while (queues.some(([, events]) => events.length > 0)) {
    for (const [party, events] of queues) {
      const batch = events.splice(random.int(events.length), 1 + random.int(25));
      if (batch.length === 0) continue;
      const caller: AgencyCaller = {
        kind: 'agency',
        partyId: party,
        partyKind: kindOf.get(party) ?? 'kommun',
        officerId: 'officer-1',
        scopes: ['status:write'],
        tokenId: randomUUID(),
        expiresAt: Math.floor(Date.now() / 1000) + 600,
      };
      await db.transaction((tx) =>
        publishEvents({ tx, caller, persons: vault, requestId: randomUUID() }, batch),
      );
    }
  }
}, 120_000);

afterAll(() => database?.close());

/** Rows with their counts in a canonical order, criteria as sorted lists. */
function canonical(group: TargetGroupCount[]) {
  const counts = new Map<string, number>();
  for (const { row, count } of group) {
    const key = JSON.stringify({
      ...row,
      criteria: [...row.criteria].sort(),
      icd10Chapters: [...row.icd10Chapters].sort(),
    } satisfies Record<keyof TargetGroupRow, unknown>);
    counts.set(key, (counts.get(key) ?? 0) + count);
  }
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('the fast target-group snapshot', () => {
  it('keeps follow_up_facts equal to a derivation from scratch after interleaved publishing', async () => {
    const stored = await database.db.execute(sql`
      select to_jsonb(f) as row from follow_up_facts f order by person_key`);
    const derived = await database.db.execute(sql`
      select to_jsonb(s) as row from follow_up_facts_source s order by person_key`);
    expect(stored.length).toBeGreaterThan(people / 2);
    expect(stored).toEqual(derived);
  });

  it('describes most people through the projection, not the exact path', async () => {
    const [row] = await database.db
      .select({ fast: sql<number>`count(*) filter (where ${followUpFacts.singleParty})::int` })
      .from(followUpFacts);
    expect(row?.fast ?? 0).toBeGreaterThan(people / 2);
  });

  for (const offset of reportDays) {
    it(`counts the same people by the same rows as the exact path, ${offset} days from today`, async () => {
      for (const which of [scope, wholeForbund]) {
        const fast = countedRows(await factCountsAt(database.db, which, iso(offset)));
        const exact = countsOf(await targetGroupRows(database.db, which, iso(offset)));
        expect(canonical(exact).length).toBeGreaterThan(0);
        expect(canonical(fast)).toEqual(canonical(exact));
        expect(countedRows(await exactFactCounts(database.db, which, iso(offset)))).toSatisfy(
          (rows: TargetGroupCount[]) => JSON.stringify(canonical(rows)) === JSON.stringify(canonical(exact)),
        );
      }
    });
  }

  it('publishes the same suppressed tables either way', async () => {
    for (const threshold of [1, 3, 5]) {
      const fast = await targetGroupReport(database.db, wholeForbund, iso(0), undefined, threshold);
      const exact = targetGroupTables(
        countsOf(await targetGroupRows(database.db, wholeForbund, iso(0))),
        undefined,
        threshold,
      );
      expect(fast).toEqual(exact);
    }
  });
});
