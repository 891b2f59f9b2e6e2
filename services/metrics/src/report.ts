import {
  type AdditiveGroupInput,
  type CellInput,
  type OverlappingSetInput,
  type PublishedAdditiveGroup,
  type PublishedOverlappingSet,
  suppressAdditive,
  suppressOverlapping,
} from '@samsyn/domain';

export type PublishedTable =
  | ({ type: 'additive' } & PublishedAdditiveGroup)
  | ({ type: 'overlapping' } & PublishedOverlappingSet);

/** Collects a report's tables and suppresses each as it is added: nothing leaves unsuppressed. */
export class ReportBuilder {
  readonly tables: PublishedTable[] = [];
  constructor(private readonly threshold: number) {}

  additive(group: AdditiveGroupInput) {
    this.tables.push({ type: 'additive', ...suppressAdditive(group, this.threshold) });
  }

  /**
   * Tables that share cells (the same people counted in each) and whose totals are published
   * elsewhere: a cell hidden in one but shown in another would give the hidden one away by
   * subtraction, so when any cell of them is hidden, every cell of them is.
   */
  linkedAdditive(groups: AdditiveGroupInput[]) {
    const published = groups.map((group) => suppressAdditive(group, this.threshold));
    const anyHidden = published.some((group) => group.cells.some((cell) => cell.suppressed));
    for (const group of published) {
      const cells = anyHidden
        ? group.cells.map((cell) => ({ ...cell, count: null, suppressed: true, share: null }))
        : group.cells;
      this.tables.push({ type: 'additive', ...group, cells });
    }
  }

  overlapping(set: OverlappingSetInput) {
    this.tables.push({ type: 'overlapping', ...suppressOverlapping(set, this.threshold) });
  }
}

/** Counts of `value(row)` over the rows (each standing for `weight(row)` people), as cells in the order of `labels`. */
export function countBy<R>(
  rows: R[],
  labels: Record<string, string>,
  value: (row: R) => string,
  weight: (row: R) => number = () => 1,
): CellInput[] {
  const counts = new Map<string, number>(Object.keys(labels).map((key) => [key, 0]));
  for (const row of rows) {
    const key = value(row);
    counts.set(key, (counts.get(key) ?? 0) + weight(row));
  }
  return Object.entries(labels).map(([key, label]) => ({ key, label, count: counts.get(key) ?? 0 }));
}

/** A yes/no split of the rows (each standing for `weight(row)` people), as an additive group. */
export function split<R>(
  key: string,
  title: string,
  rows: R[],
  yes: (row: R) => boolean,
  labels: [string, string],
  weight: (row: R) => number = () => 1,
) {
  let total = 0;
  let count = 0;
  for (const row of rows) {
    total += weight(row);
    if (yes(row)) count += weight(row);
  }
  return {
    key,
    title,
    total,
    cells: [
      { key: 'yes', label: labels[0], count },
      { key: 'no', label: labels[1], count: total - count },
    ],
  };
}

/** Tables as CSV, one line per cell: the format spreadsheets and board papers take. */
export function tablesAsCsv(tables: PublishedTable[]): string {
  const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
  const lines = ['table,title,cell,label,count,share'];
  for (const table of tables) {
    const total = table.type === 'additive' ? table.total : table.base;
    lines.push([table.key, quote(table.title), 'total', quote('Totalt'), total ?? '', ''].join(','));
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
