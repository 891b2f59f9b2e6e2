import type { Db } from '@samsyn/db';
import {
  ageBands,
  assistanceDurationBands,
  criteria,
  criterionLabels,
  icd10ChapterLabels,
  needGroups,
  type TargetGroupRow,
  targetGroupRow,
  targetGroupRowOf,
} from '@samsyn/domain';
import type { FiguresScope } from '@samsyn/http';
import { type FactCount, factCountsAt } from './facts';
import { peopleAt } from './people';
import { countBy, ReportBuilder, split } from './report';

export const targetGroupDefinitions = {
  population:
    'Personer med ett giltigt samtycke till uppföljning (ändamål follow_up) som namnger förbundet, och ' +
    'aktivt ekonomiskt bistånd vid datumet från en medlemskommun.',
  targetGroup:
    'Målgruppen (KAOS/Kaosam): 18–65 år vid datumet, aktivt ekonomiskt bistånd och minst ett av de fem ' +
    'kriterierna. En person kan uppfylla flera kriterier; totalen räknar varje person en gång.',
  criteria:
    'Ersättning: sjuk- eller aktivitetsersättning enligt FK. Läkarintyg: ett intyg från regionen som gäller ' +
    'datumet. Vårdkontakt utan intyg: pågående vårdkontakt utan gällande intyg. Utan vårdkontakt: kommunen ' +
    'har registrerat att personen uppger nedsatt arbetsförmåga och regionen har ingen vårdkontakt. ' +
    'Misstänkt: handläggaren misstänker nedsatt arbetsförmåga.',
  age: 'Ålder i hela år vid datumet, räknat på födelseår och -månad.',
  duration: 'Tid med bistånd från biståndets startdatum till datumet, i hela år.',
  sip: 'En SIP som var öppen vid datumet.',
  remaining: 'Kvarstående: i målgruppen även vid föregående kartläggning (previous); nya: inte då.',
  left:
    'Lämnat målgruppen: i målgruppen vid föregående kartläggning men inte vid datumet (avslutat bistånd, ' +
    'uppfyller inte längre något kriterium, utanför åldersspannet, eller samtycket till uppföljning har upphört).',
  suppression:
    'Celler med 1–4 personer (under tröskeln) visas inte; ytterligare celler döljs så att dolda värden inte ' +
    'kan räknas fram ur totaler. Andelar räknas bara på visade tal.',
};

/** Each person in the target group at `day`, by person key: for comparing two dates person by person. */
export async function targetGroupRows(
  db: Db,
  scope: FiguresScope,
  day: string,
): Promise<Map<string, TargetGroupRow>> {
  const people = await peopleAt(db, scope, day);
  const date = new Date(`${day}T12:00:00Z`);
  const rows = new Map<string, TargetGroupRow>();
  for (const [key, person] of people) {
    const row = targetGroupRow(person, date);
    if (row) rows.set(key, row);
  }
  return rows;
}

/** How many people of the target group one row describes. */
export interface TargetGroupCount {
  row: TargetGroupRow;
  count: number;
}

/** The target group at `day` as distinct rows with how many people each describes. */
export async function targetGroupCounts(
  db: Db,
  scope: FiguresScope,
  day: string,
): Promise<TargetGroupCount[]> {
  return countedRows(await factCountsAt(db, scope, day));
}

/** The domain's rules applied once per combination of facts. */
export function countedRows(counts: FactCount[]): TargetGroupCount[] {
  const group: TargetGroupCount[] = [];
  for (const { facts, count } of counts) {
    const row = targetGroupRowOf(facts);
    if (row) group.push({ row, count });
  }
  return group;
}

/** Per-person rows as counts of one. */
export function countsOf(rows: Map<string, TargetGroupRow>): TargetGroupCount[] {
  return [...rows.values()].map((row) => ({ row, count: 1 }));
}

/**
 * The target-group tables at `at`, with the remaining/new split against `previous` when given: that
 * split needs each person at both dates, the tables alone only the counts.
 */
export async function targetGroupReport(
  db: Db,
  scope: FiguresScope,
  at: string,
  previous: string | undefined,
  threshold: number,
) {
  if (previous === undefined)
    return targetGroupTables(await targetGroupCounts(db, scope, at), undefined, threshold);
  const group = await targetGroupRows(db, scope, at);
  const before = await targetGroupRows(db, scope, previous);
  const remaining = [...group.keys()].filter((key) => before.has(key)).length;
  return targetGroupTables(countsOf(group), { remaining, previousTotal: before.size }, threshold);
}

const label = (values: readonly string[]) => Object.fromEntries(values.map((value) => [value, value]));

/** How the group compares with the previous mapping: how many of it were in that one, and its size. */
export interface Comparison {
  remaining: number;
  previousTotal: number;
}

/**
 * The KAOS/Kaosam tables of the target group at `day`, suppressed, with the remaining/new and
 * remaining/left splits when there is a previous mapping to compare with.
 */
export function targetGroupTables(
  group: TargetGroupCount[],
  comparison: Comparison | undefined,
  threshold: number,
) {
  const weight = (entry: TargetGroupCount) => entry.count;
  const sum = (entries: TargetGroupCount[]) => entries.reduce((total, entry) => total + entry.count, 0);
  const report = new ReportBuilder(threshold);
  const total = sum(group);
  report.overlapping({
    key: 'criteria',
    title: 'Kriterier (en person kan uppfylla flera)',
    base: total,
    cells: [
      ...criteria.map((criterion) => ({
        key: criterion,
        label: criterionLabels[criterion],
        count: sum(group.filter(({ row }) => row.criteria.has(criterion))),
      })),
      {
        key: 'partial_compensation_and_certificate',
        label: 'Partiell ersättning och sjukskriven på resten',
        count: sum(group.filter(({ row }) => row.partialCompensationAndCertificate)),
      },
    ],
  });
  report.additive({
    key: 'sex',
    title: 'Juridiskt kön',
    total,
    cells: countBy(group, { female: 'Kvinnor', male: 'Män' }, ({ row }) => row.legalSex, weight),
  });
  report.additive({
    key: 'age',
    title: 'Ålder',
    total,
    cells: countBy(group, label(ageBands), ({ row }) => row.ageBand, weight),
  });
  report.additive({
    key: 'assistance_duration',
    title: 'Tid med ekonomiskt bistånd (år)',
    total,
    cells: countBy(group, label(assistanceDurationBands), ({ row }) => row.durationBand, weight),
  });
  const compensated = group.filter(({ row }) => row.compensation !== null);
  report.additive({
    key: 'compensation',
    title: 'Sjuk- eller aktivitetsersättning',
    total: sum(compensated),
    cells: countBy(
      compensated,
      { full: 'Hel', partial: 'Partiell' },
      ({ row }) => row.compensation ?? '',
      weight,
    ),
  });
  const certified = group.filter(({ row }) => row.certificateIssuer !== null);
  report.additive({
    key: 'certificate_issuer',
    title: 'Läkarintyg efter utfärdare',
    total: sum(certified),
    cells: countBy(
      certified,
      { primary_care: 'Primärvård', psychiatry: 'Psykiatri', other: 'Annan' },
      ({ row }) => row.certificateIssuer ?? '',
      weight,
    ),
  });
  report.additive(
    split('sip', 'Har en SIP', group, ({ row }) => row.hasSip, ['Med SIP', 'Utan SIP'], weight),
  );
  report.additive({
    key: 'sgi',
    title: 'SGI',
    total,
    cells: countBy(
      group,
      { positive: 'Positiv', zero: 'Noll (0-placerad)', unknown: 'Okänd', not_published: 'Ej publicerad' },
      ({ row }) => row.sgi,
      weight,
    ),
  });
  report.additive({
    key: 'af',
    title: 'Arbetsförmedlingen',
    total,
    cells: countBy(
      group,
      {
        seeking: 'Inskriven, aktivt arbetssökande',
        registered: 'Inskriven, inte aktivt sökande',
        not_registered: 'Inte inskriven',
      },
      ({ row }) => (row.afActivelySeeking ? 'seeking' : row.afRegistered ? 'registered' : 'not_registered'),
      weight,
    ),
  });
  report.additive(
    split(
      'reinforced_cooperation',
      'Förstärkt samarbete (FK och AF)',
      group,
      ({ row }) => row.reinforcedCooperation,
      ['Ja', 'Nej'],
      weight,
    ),
  );
  report.additive(
    split(
      'coordination_case',
      'Samordningsärende hos FK (ansökt eller beviljat)',
      group,
      ({ row }) => row.coordinationCase,
      ['Ja', 'Nej'],
      weight,
    ),
  );
  report.additive({
    key: 'need_group',
    title: 'Behovsgrupp (Instrument X)',
    total,
    cells: countBy(
      group,
      { ...label(needGroups), none: 'Ingen bedömning' },
      ({ row }) => row.needGroup ?? 'none',
      weight,
    ),
  });
  const chapters = new Map<string, number>();
  for (const { row, count } of group)
    for (const chapter of row.icd10Chapters) chapters.set(chapter, (chapters.get(chapter) ?? 0) + count);
  report.overlapping({
    key: 'icd10_chapters',
    title: 'Vanligaste diagnoskapitlen (ICD-10)',
    base: total,
    cells: [...chapters.entries()]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, 10)
      .map(([chapter, count]) => ({
        key: chapter,
        label: `${chapter} ${icd10ChapterLabels[chapter] ?? ''}`.trim(),
        count,
      })),
  });
  if (comparison !== undefined) {
    const { remaining, previousTotal } = comparison;
    report.linkedAdditive([
      {
        key: 'remaining',
        title: 'Kvarstående från föregående kartläggning och nya',
        total,
        cells: [
          { key: 'remaining', label: 'Kvarstående', count: remaining },
          { key: 'new', label: 'Nya', count: total - remaining },
        ],
      },
      {
        key: 'left',
        title: 'Föregående kartläggning: kvarstående och lämnat målgruppen',
        total: previousTotal,
        cells: [
          { key: 'remaining', label: 'Kvarstående', count: remaining },
          { key: 'left', label: 'Lämnat målgruppen', count: previousTotal - remaining },
        ],
      },
    ]);
  }
  return report.tables;
}
