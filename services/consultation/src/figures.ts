import type { AgencyCaller } from '@samsyn/auth';
import type { Db } from '@samsyn/db';
import {
  type AdditiveGroupInput,
  type CellInput,
  type ConsultationCaseKind,
  type ConsultationNextStep,
  consultationCaseKindLabels,
  consultationNextStepLabels,
  consultationNextSteps,
  type PartyKind,
  partyKindLabels,
  partyKindOf,
  type QuestionCategory,
  quarterOf,
  quartersBetween,
  questionCategoryLabels,
  suppressAdditive,
  suppressOverlapping,
} from '@samsyn/domain';
import { type FiguresScope, figuresScopeFor, ProblemError, type z } from '@samsyn/http';
import { sql } from 'drizzle-orm';
import type { ConsultationFiguresSchema, ConsultationTableSchema } from './schemas';

type Table = z.infer<typeof ConsultationTableSchema>;

export const figureDefinitions = {
  case:
    'Ett ärende räknas när det togs upp på ett möte som hölls under perioden (inte inställt, med starttid ' +
    'före nu), i ett forum som rapporterar till förbundet. Mötets dag räknas i svensk tid. Perioden ' +
    'vidgas till hela kvartal. Tabellerna räknar ärenden, inte personer, och innehåller inga ' +
    'uppgifter om personerna.',
  memberKommun:
    'En medlemskommun ser sin egen del: de ärenden kommunen själv tog upp, i de forum den är medlem i.',
  meetings: 'Möten som hölls under perioden i förbundets forum (för en kommun: de forum den är medlem i).',
  category: 'Frågekategori per kvartal, som Utsikt följde andelen frågor om sjukersättning.',
  adviceFollowed:
    'Om den som tog upp ärendet har registrerat att rådet följdes; "ej registrerat" är ärenden utan ' +
    'registrerad uppföljning, också de som ännu inte fått råd.',
  nextSteps:
    'Nästa steg som registrerats vid uppföljningen; ett ärende kan ha flera steg, så andelarna är av alla ' +
    'ärenden och summerar inte till 100 %.',
  suppression:
    'Celler med 1–4 ärenden visas inte ("<5"); i tabeller som delar upp en summa döljs fler celler så att ' +
    'ingen dold cell kan räknas fram. När ett kvartals summa är dold döljs också kvartalets kategorier.',
};

type CaseRow = {
  kind: ConsultationCaseKind;
  category: QuestionCategory;
  raised_by_party: string;
  advice_followed: boolean | null;
  next_steps: string[] | null;
  forum_id: string;
  day: string;
};

/** Published cells, in the schema's shape (`total` is the base of an overlapping table). */
function additive(group: AdditiveGroupInput, threshold: number): Table {
  return { type: 'additive', ...suppressAdditive(group, threshold) };
}

function countBy<R>(
  rows: readonly R[],
  labels: Record<string, string>,
  keyOf: (row: R) => string,
): CellInput[] {
  const counts = new Map(Object.keys(labels).map((key) => [key, 0]));
  for (const row of rows) {
    const key = keyOf(row);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Object.entries(labels).map(([key, label]) => ({ key, label, count: counts.get(key) ?? 0 }));
}

/**
 * A table nested under a cell of another (a quarter's categories under the quarter's count): when
 * that cell is hidden, so are this table's total and every non-zero cell, or the cells would add up
 * to the hidden count.
 */
function hiddenUnder(table: Table): Table {
  return {
    ...table,
    total: null,
    totalSuppressed: true,
    cells: table.cells.map((cell) =>
      cell.count === 0 ? cell : { ...cell, count: null, suppressed: true, share: null },
    ),
  };
}

const agencyKinds = ['kommun', 'region', 'fk', 'af'] as const satisfies readonly PartyKind[];

async function readFigures(db: Db, scope: FiguresScope, from: string, to: string) {
  const kommun = ownKommun(scope);
  // Every statement below reads the same forums: the förbund's, or a member kommun's own among them.
  const forumFilter = kommun
    ? sql`f.forbund_id = ${scope.forbundId} and ${kommun} = any(f.member_parties)`
    : sql`f.forbund_id = ${scope.forbundId}`;
  const heldIn = sql`m.status = 'scheduled' and m.starts_at <= now()
    and (m.starts_at at time zone 'Europe/Stockholm')::date between ${from}::date and ${to}::date`;
  const [forums, cases, [meetings]] = await Promise.all([
    db.execute<{ id: string; name: string }>(sql`
      select f.id, f.name from consultation_forums f where ${forumFilter} order by f.name, f.id`),
    db.execute<CaseRow>(sql`
      select c.kind, c.category, c.raised_by_party, c.advice_followed, c.next_steps, c.forum_id,
             to_char(m.starts_at at time zone 'Europe/Stockholm', 'YYYY-MM-DD') as day
      from consultation_cases c
      join consultation_meetings m on m.id = c.meeting_id
      join consultation_forums f on f.id = c.forum_id
      where ${forumFilter} and ${heldIn} ${kommun ? sql`and c.raised_by_party = ${kommun}` : sql``}`),
    db.execute<{ n: number }>(sql`
      select count(*)::int as n from consultation_meetings m
      join consultation_forums f on f.id = m.forum_id
      where ${forumFilter} and ${heldIn}`),
  ]);
  return { forums: [...forums], cases: [...cases], meetingsHeld: meetings?.n ?? 0 };
}

/** The förbund's consultation figures for the quarters `from` and `to` fall in. */
export async function consultationFigures(
  source: { db: Db; threshold: number },
  caller: AgencyCaller,
  query: { from: string; to: string; forbund?: string | undefined },
): Promise<z.infer<typeof ConsultationFiguresSchema>> {
  if (query.to < query.from) {
    throw new ProblemError('validation-failed', 'to must not be before from', {
      errors: [{ location: 'query', pointer: '/to', detail: 'must not be before from' }],
    });
  }
  const quarters = quartersBetween(query.from, query.to);
  // Ten years of quarters is plenty for any board paper and keeps every table within the schema.
  if (quarters.length > 40) {
    throw new ProblemError('validation-failed', 'at most ten years at a time', {
      errors: [{ location: 'query', pointer: '/to', detail: 'at most 40 quarters after from' }],
    });
  }
  const scope = await figuresScopeFor(source.db, caller, query.forbund);
  const from = quarterOf(query.from).first;
  const to = quarterOf(query.to).last;
  const { forums, cases, meetingsHeld } = await readFigures(source.db, scope, from, to);
  const threshold = source.threshold;
  const total = cases.length;
  const tables: Table[] = [];

  tables.push(
    additive(
      {
        key: 'cases_by_forum',
        title: 'Ärenden per forum',
        total,
        cells: countBy(cases, Object.fromEntries(forums.map((f) => [f.id, f.name])), (row) => row.forum_id),
      },
      threshold,
    ),
  );

  const byQuarter = additive(
    {
      key: 'cases_by_quarter',
      title: 'Ärenden per kvartal',
      total,
      cells: countBy(
        cases,
        Object.fromEntries(quarters.map((q) => [q.key, q.label])),
        (row) => quarterOf(row.day).key,
      ),
    },
    threshold,
  );
  tables.push(byQuarter);
  const categoryLabels: Record<string, string> = { ...questionCategoryLabels };
  for (const quarter of quarters) {
    const inQuarter = cases.filter((row) => quarterOf(row.day).key === quarter.key);
    const table = additive(
      {
        key: `categories_${quarter.key}`,
        title: `Frågekategorier ${quarter.label}`,
        total: inQuarter.length,
        cells: countBy(inQuarter, categoryLabels, (row) => row.category),
      },
      threshold,
    );
    const quarterCell = byQuarter.cells.find((cell) => cell.key === quarter.key);
    tables.push(quarterCell?.suppressed ? hiddenUnder(table) : table);
  }

  tables.push(
    additive(
      {
        key: 'cases_by_raising_party',
        title: 'Ärenden efter vem som tog upp dem',
        total,
        cells: countBy(
          cases,
          Object.fromEntries(agencyKinds.map((kind) => [kind, partyKindLabels[kind]])),
          (row) => partyKindOf(row.raised_by_party) ?? 'kommun',
        ),
      },
      threshold,
    ),
    additive(
      {
        key: 'cases_by_kind',
        title: 'Avidentifierade ärenden och ärenden med samtycke',
        total,
        cells: countBy(cases, consultationCaseKindLabels, (row) => row.kind),
      },
      threshold,
    ),
    additive(
      {
        key: 'advice_followed',
        title: 'Följdes rådet?',
        total,
        cells: countBy(cases, { yes: 'Ja', no: 'Nej', not_recorded: 'Ej registrerat' }, (row) =>
          row.advice_followed === null ? 'not_recorded' : row.advice_followed ? 'yes' : 'no',
        ),
      },
      threshold,
    ),
  );

  const steps = suppressOverlapping(
    {
      key: 'next_steps',
      title: 'Nästa steg efter rådet',
      base: total,
      cells: consultationNextSteps.map((step: ConsultationNextStep) => ({
        key: step,
        label: consultationNextStepLabels[step],
        count: cases.filter((row) => row.next_steps?.includes(step)).length,
      })),
    },
    threshold,
  );
  tables.push({
    type: 'overlapping',
    key: steps.key,
    title: steps.title,
    total: steps.base,
    totalSuppressed: steps.base === null,
    cells: steps.cells,
  });

  const published = tables[0]?.total ?? null;
  return {
    forbund: scope.forbundId,
    kommuner: scope.ownPart ? scope.kommunIds : [],
    from,
    to,
    threshold,
    computedAt: new Date().toISOString(),
    meetingsHeld,
    casesPerMeeting:
      published !== null && meetingsHeld > 0 ? Math.round((published / meetingsHeld) * 10) / 10 : null,
    definitions: figureDefinitions,
    tables,
  };
}

/** The tables as CSV, one line per cell, in the follow-up reports' format: for spreadsheets and board papers. */
export function figuresAsCsv(tables: readonly Table[]): string {
  const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
  const lines = ['table,title,cell,label,count,share'];
  for (const table of tables) {
    lines.push([table.key, quote(table.title), 'total', quote('Totalt'), table.total ?? '', ''].join(','));
    for (const cell of table.cells) {
      lines.push(
        [table.key, quote(table.title), cell.key, quote(cell.label), cell.count ?? '', cell.share ?? ''].join(
          ',',
        ),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A member kommun sees only the cases it raised; the förbund sees every forum reporting to it. */
function ownKommun(scope: FiguresScope): string | null {
  return scope.ownPart ? (scope.kommunIds[0] ?? null) : null;
}
