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
} from '@samsyn/domain';
import { peopleAt } from './people';
import { countBy, ReportBuilder, split } from './report';
import type { Scope } from './scope';

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
  suppression:
    'Celler med 1–4 personer (under tröskeln) visas inte; ytterligare celler döljs så att dolda värden inte ' +
    'kan räknas fram ur totaler. Andelar räknas bara på visade tal.',
};

export async function targetGroupRows(
  db: Db,
  scope: Scope,
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

const label = (values: readonly string[]) => Object.fromEntries(values.map((value) => [value, value]));

/** The KAOS/Kaosam tables of the target group at `day`, suppressed. */
export function targetGroupTables(
  group: Map<string, TargetGroupRow>,
  previous: Set<string> | undefined,
  threshold: number,
) {
  const rows = [...group.values()];
  const report = new ReportBuilder(threshold);
  const total = rows.length;
  report.overlapping({
    key: 'criteria',
    title: 'Kriterier (en person kan uppfylla flera)',
    base: total,
    cells: [
      ...criteria.map((criterion) => ({
        key: criterion,
        label: criterionLabels[criterion],
        count: rows.filter((row) => row.criteria.has(criterion)).length,
      })),
      {
        key: 'partial_compensation_and_certificate',
        label: 'Partiell ersättning och sjukskriven på resten',
        count: rows.filter((row) => row.partialCompensationAndCertificate).length,
      },
    ],
  });
  report.additive({
    key: 'sex',
    title: 'Juridiskt kön',
    total,
    cells: countBy(rows, { female: 'Kvinnor', male: 'Män' }, (r) => r.legalSex),
  });
  report.additive({
    key: 'age',
    title: 'Ålder',
    total,
    cells: countBy(rows, label(ageBands), (r) => r.ageBand),
  });
  report.additive({
    key: 'assistance_duration',
    title: 'Tid med ekonomiskt bistånd (år)',
    total,
    cells: countBy(rows, label(assistanceDurationBands), (r) => r.durationBand),
  });
  const compensated = rows.filter((row) => row.compensation !== null);
  report.additive({
    key: 'compensation',
    title: 'Sjuk- eller aktivitetsersättning',
    total: compensated.length,
    cells: countBy(compensated, { full: 'Hel', partial: 'Partiell' }, (r) => r.compensation ?? ''),
  });
  const certified = rows.filter((row) => row.certificateIssuer !== null);
  report.additive({
    key: 'certificate_issuer',
    title: 'Läkarintyg efter utfärdare',
    total: certified.length,
    cells: countBy(
      certified,
      { primary_care: 'Primärvård', psychiatry: 'Psykiatri', other: 'Annan' },
      (r) => r.certificateIssuer ?? '',
    ),
  });
  report.additive(split('sip', 'Har en SIP', rows, (r) => r.hasSip, ['Med SIP', 'Utan SIP']));
  report.additive({
    key: 'sgi',
    title: 'SGI',
    total,
    cells: countBy(
      rows,
      { positive: 'Positiv', zero: 'Noll (0-placerad)', unknown: 'Okänd', not_published: 'Ej publicerad' },
      (r) => r.sgi,
    ),
  });
  report.additive({
    key: 'af',
    title: 'Arbetsförmedlingen',
    total,
    cells: countBy(
      rows,
      {
        seeking: 'Inskriven, aktivt arbetssökande',
        registered: 'Inskriven, inte aktivt sökande',
        not_registered: 'Inte inskriven',
      },
      (r) => (r.afActivelySeeking ? 'seeking' : r.afRegistered ? 'registered' : 'not_registered'),
    ),
  });
  report.additive(
    split('reinforced_cooperation', 'Förstärkt samarbete (FK och AF)', rows, (r) => r.reinforcedCooperation, [
      'Ja',
      'Nej',
    ]),
  );
  report.additive(
    split(
      'coordination_case',
      'Samordningsärende hos FK (ansökt eller beviljat)',
      rows,
      (r) => r.coordinationCase,
      ['Ja', 'Nej'],
    ),
  );
  report.additive({
    key: 'need_group',
    title: 'Behovsgrupp (Instrument X)',
    total,
    cells: countBy(rows, { ...label(needGroups), none: 'Ingen bedömning' }, (r) => r.needGroup ?? 'none'),
  });
  const chapters = new Map<string, number>();
  for (const row of rows)
    for (const chapter of row.icd10Chapters) chapters.set(chapter, (chapters.get(chapter) ?? 0) + 1);
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
  if (previous) {
    const keys = [...group.keys()];
    const remaining = keys.filter((key) => previous.has(key)).length;
    report.additive({
      key: 'remaining',
      title: 'Kvarstående från föregående kartläggning och nya',
      total,
      cells: [
        { key: 'remaining', label: 'Kvarstående', count: remaining },
        { key: 'new', label: 'Nya', count: total - remaining },
      ],
    });
  }
  return report.tables;
}
