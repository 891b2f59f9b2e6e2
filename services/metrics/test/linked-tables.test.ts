import { describe, expect, it } from 'vitest';
import { ReportBuilder } from '../src/report';

const tables = (remaining: number, current: number, previous: number) => {
  const report = new ReportBuilder(5);
  report.linkedAdditive([
    {
      key: 'remaining',
      title: 'nu',
      total: current,
      cells: [
        { key: 'remaining', label: 'Kvarstående', count: remaining },
        { key: 'new', label: 'Nya', count: current - remaining },
      ],
    },
    {
      key: 'left',
      title: 'då',
      total: previous,
      cells: [
        { key: 'remaining', label: 'Kvarstående', count: remaining },
        { key: 'left', label: 'Lämnat', count: previous - remaining },
      ],
    },
  ]);
  return report.tables.map((table) => table.cells.map((cell) => cell.count));
};

describe('tables that share the remaining cell', () => {
  it('publish every cell when none is small', () => {
    expect(tables(20, 30, 26)).toEqual([
      [20, 10],
      [20, 6],
    ]);
  });

  it('hide the shared cell everywhere when one table must hide it, so no subtraction gives it away', () => {
    // Three new people: the first table hides "new" and so "remaining"; the second table alone would
    // show remaining = 20, and 23 - 20 would reveal the three.
    expect(tables(20, 23, 40)).toEqual([
      [null, null],
      [null, null],
    ]);
    // Two left: the same from the other side.
    expect(tables(20, 40, 22)).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it('still publish zeros', () => {
    expect(tables(10, 10, 10)).toEqual([
      [10, 0],
      [10, 0],
    ]);
  });
});
