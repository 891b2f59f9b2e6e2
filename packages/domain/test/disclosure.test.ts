import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AdditiveGroupInput,
  defaultSuppressionThreshold,
  type PublishedAdditiveGroup,
  type PublishedCell,
  recoverableCells,
  sumIsConsistent,
  suppressAdditive,
  suppressOverlapping,
} from '../src/disclosure';

const keys = 'abcdefghij';

function keyAt(i: number): string {
  return keys[i] ?? `k${i}`;
}

/** Cells keyed a, b, c, … with a total that sums them. */
function group(counts: number[], total: number = counts.reduce((acc, c) => acc + c, 0)): AdditiveGroupInput {
  return {
    key: 'g',
    title: 'Group',
    total,
    cells: counts.map((count, i) => ({ key: keyAt(i), label: `Cell ${keyAt(i)}`, count })),
  };
}

/** What a naive publisher would print: only the given keys hidden, nothing complementary. */
function published(counts: number[], hiddenKeys: string[], total: number | null): PublishedAdditiveGroup {
  return {
    key: 'g',
    title: 'Group',
    total,
    totalSuppressed: total === null,
    cells: counts.map((count, i): PublishedCell => {
      const hidden = hiddenKeys.includes(keyAt(i));
      return {
        key: keyAt(i),
        label: `Cell ${keyAt(i)}`,
        count: hidden ? null : count,
        suppressed: hidden,
        share: null,
      };
    }),
  };
}

function counts(result: { cells: PublishedCell[] }): (number | null)[] {
  return result.cells.map((c) => c.count);
}

function hiddenKeys(result: { cells: PublishedCell[] }): string[] {
  return result.cells.filter((c) => c.suppressed).map((c) => c.key);
}

/** Every way to write s as k ordered parts ≥ 1: the attacker's full search space. */
function compositions(s: number, k: number): number[][] {
  if (k === 1) return s >= 1 ? [[s]] : [];
  const out: number[][] = [];
  for (let first = 1; first <= s - (k - 1); first++) {
    for (const rest of compositions(s - first, k - 1)) out.push([first, ...rest]);
  }
  return out;
}

describe('primary suppression', () => {
  it('defaults to hiding 1–4', () => {
    expect(defaultSuppressionThreshold).toBe(5);
  });

  it('publishes 0 as 0, hides 1..4 and publishes 5 with the default threshold', () => {
    // Hidden sum 1+2+3+4 = 10 with k = 4 is not pinned, so no complement is needed here.
    const result = suppressAdditive(group([0, 1, 2, 3, 4, 5, 20]));
    expect(counts(result)).toEqual([0, null, null, null, null, 5, 20]);
    expect(result.cells.map((c) => c.suppressed)).toEqual([false, true, true, true, true, false, false]);
    expect(result.total).toBe(35);
    expect(result.totalSuppressed).toBe(false);
  });

  it('hides only 1..2 with threshold 3', () => {
    const result = suppressAdditive(group([0, 1, 2, 3, 4, 5, 20]), 3);
    expect(counts(result)).toEqual([0, null, null, 3, 4, 5, 20]);
  });

  it('applies the same primary rule to overlapping sets', () => {
    const input = {
      key: 'criteria',
      title: 'Criteria',
      base: 40,
      cells: [0, 1, 4, 5, 6].map((count, i) => ({ key: keyAt(i), label: keyAt(i), count })),
    };
    expect(counts(suppressOverlapping(input))).toEqual([0, null, null, 5, 6]);
    expect(counts(suppressOverlapping(input, 3))).toEqual([0, null, 4, 5, 6]);
  });
});

describe('complementary suppression in additive groups', () => {
  it('hides the smallest other non-zero cell when a single cell is small', () => {
    // 0 is skipped as a complement: zeros are never hidden.
    const result = suppressAdditive(group([3, 12, 10, 0, 20]));
    expect(hiddenKeys(result)).toEqual(['a', 'c']);
    expect(counts(result)).toEqual([null, 12, null, 0, 20]);
    expect(result.total).toBe(45);
    expect(recoverableCells(result)).toEqual([]);
  });

  it('takes the first of equally small complements', () => {
    expect(hiddenKeys(suppressAdditive(group([3, 10, 10])))).toEqual(['a', 'b']);
  });

  it('hides a third cell when two hidden cells could only be 1 each', () => {
    const result = suppressAdditive(group([1, 1, 10, 20]));
    expect(hiddenKeys(result)).toEqual(['a', 'b', 'c']);
    expect(result.total).toBe(32);
    expect(recoverableCells(result)).toEqual([]);
  });

  it('leaves two hidden cells alone when they are not all ones', () => {
    const result = suppressAdditive(group([1, 2, 10]));
    expect(hiddenKeys(result)).toEqual(['a', 'b']);
    expect(result.total).toBe(13);
  });

  it('hides the total when no published non-zero cell is left to hide', () => {
    const result = suppressAdditive(group([1, 1, 1, 1, 1, 1, 0]));
    expect(result.totalSuppressed).toBe(true);
    expect(result.total).toBeNull();
    expect(counts(result)).toEqual([null, null, null, null, null, null, 0]);
  });

  it('hides everything when the total itself is below the threshold', () => {
    const result = suppressAdditive(group([2, 1, 0]));
    expect(result.totalSuppressed).toBe(true);
    expect(result.total).toBeNull();
    expect(counts(result)).toEqual([null, null, 0]);
    expect(result.cells.every((c) => c.share === null)).toBe(true);
  });

  it('publishes a group with nothing small untouched', () => {
    const result = suppressAdditive(group([5, 0, 7]));
    expect(counts(result)).toEqual([5, 0, 7]);
    expect(result.total).toBe(12);
    expect(result.totalSuppressed).toBe(false);
  });

  it('publishes an all-zero group as zeros', () => {
    const result = suppressAdditive(group([0, 0]));
    expect(counts(result)).toEqual([0, 0]);
    expect(result.total).toBe(0);
    // Share of an empty population is undefined, not 0.
    expect(result.cells.map((c) => c.share)).toEqual([null, null]);
  });
});

describe('shares', () => {
  it('are count / total for published cells and null for hidden ones', () => {
    const result = suppressAdditive(group([3, 12, 10, 20]));
    expect(result.cells.map((c) => c.share)).toEqual([null, 12 / 45, null, 20 / 45]);
  });

  it('are null everywhere when the total is hidden, even for a published zero', () => {
    const result = suppressAdditive(group([3, 0]));
    expect(result.cells.map((c) => c.share)).toEqual([null, null]);
  });

  it('are relative to the published base in overlapping sets', () => {
    const result = suppressOverlapping({
      key: 'criteria',
      title: 'Criteria',
      base: 40,
      cells: [
        { key: 'a', label: 'A', count: 3 },
        { key: 'b', label: 'B', count: 12 },
        { key: 'c', label: 'C', count: 0 },
        { key: 'd', label: 'D', count: 40 },
      ],
    });
    expect(result.base).toBe(40);
    expect(result.cells.map((c) => c.share)).toEqual([null, 12 / 40, 0, 1]);
    expect(hiddenKeys(result)).toEqual(['a']);
  });

  it('are null in overlapping sets whose base is hidden', () => {
    const result = suppressOverlapping({
      key: 'criteria',
      title: 'Criteria',
      base: 4,
      cells: [
        { key: 'a', label: 'A', count: 4 },
        { key: 'b', label: 'B', count: 2 },
        { key: 'c', label: 'C', count: 0 },
      ],
    });
    expect(result.base).toBeNull();
    expect(counts(result)).toEqual([null, null, 0]);
    expect(result.cells.map((c) => c.share)).toEqual([null, null, null]);
  });
});

describe('recoverableCells (attacker)', () => {
  it('finds the leak in naive primary-only suppression', () => {
    expect(recoverableCells(published([3, 10, 12], ['a'], 25))).toEqual(['a']);
    expect(recoverableCells(published([1, 1, 10], ['a', 'b'], 12))).toEqual(['a', 'b']);
  });

  it('finds nothing once suppressAdditive has run on the same input', () => {
    expect(recoverableCells(suppressAdditive(group([3, 10, 12])))).toEqual([]);
    expect(recoverableCells(suppressAdditive(group([1, 1, 10])))).toEqual([]);
  });

  it('finds nothing when the total is hidden or nothing is hidden', () => {
    expect(recoverableCells(published([3, 10, 12], ['a'], null))).toEqual([]);
    expect(recoverableCells(published([5, 10], [], 15))).toEqual([]);
  });

  it('treats a null count as hidden even without the flag', () => {
    const view = published([3, 10, 12], [], 25);
    const cells = view.cells.map((c) => (c.key === 'a' ? { ...c, count: null } : c));
    expect(recoverableCells({ ...view, cells })).toEqual(['a']);
  });

  it('rejects a published group whose hidden cells could not all be ≥ 1', () => {
    expect(() => recoverableCells(published([1, 1, 10], ['a', 'b'], 11))).toThrow(/inconsistent/);
    expect(() => recoverableCells(published([10, 12], [], 20))).not.toThrow();
    expect(() => recoverableCells(published([3, 10, 12], ['a'], 20))).toThrow(/inconsistent/);
  });

  it('agrees with exhaustive search over every way to fill the hidden cells', () => {
    for (let k = 1; k <= 4; k++) {
      for (let s = k; s <= k + 8; s++) {
        const solutions = compositions(s, k);
        const pinned = Array.from({ length: k }, (_, i) => keyAt(i)).filter(
          (_, i) => new Set(solutions.map((sol) => sol[i])).size === 1,
        );
        // One published cell of 50 alongside the k hidden ones, total = s + 50.
        const view = published(
          [...Array.from({ length: k }, () => 1), 50],
          keys.slice(0, k).split(''),
          s + 50,
        );
        expect({ k, s, recoverable: recoverableCells(view) }).toEqual({ k, s, recoverable: pinned });
      }
    }
  });
});

describe('property: suppressAdditive output is safe and faithful', () => {
  const input = fc.record({
    cellCounts: fc.array(fc.nat({ max: 30 }), { minLength: 2, maxLength: 8 }),
    threshold: fc.integer({ min: 2, max: 6 }),
  });

  it('holds for random groups', () => {
    fc.assert(
      fc.property(input, ({ cellCounts, threshold }) => {
        const source = group(cellCounts);
        const result = suppressAdditive(source, threshold);
        const isSmall = (n: number) => n >= 1 && n < threshold;

        // No small figure is published, cell or total.
        for (const cell of result.cells) {
          expect(cell.count === null || !isSmall(cell.count)).toBe(true);
          expect(cell.suppressed).toBe(cell.count === null);
        }
        expect(result.total === null || !isSmall(result.total)).toBe(true);
        expect(result.totalSuppressed).toBe(result.total === null);

        // The attacker recovers nothing.
        expect(recoverableCells(result)).toEqual([]);

        result.cells.forEach((cell, i) => {
          const original = cellCounts[i] ?? -1;
          // Published figures are exact; every small one and no zero is hidden.
          if (cell.count !== null) expect(cell.count).toBe(original);
          if (isSmall(original)) expect(cell.suppressed).toBe(true);
          if (original === 0) expect(cell.count).toBe(0);
          if (original >= threshold && !cell.suppressed) expect(cell.count).toBe(original);
          // Shares come from published figures only.
          const expectedShare =
            cell.count !== null && result.total !== null && result.total > 0
              ? cell.count / result.total
              : null;
          expect(cell.share).toBe(expectedShare);
        });

        // Published and hidden cells still describe the same total.
        if (result.total !== null) {
          expect(result.total).toBe(source.total);
          const publishedSum = result.cells.reduce((acc, c) => acc + (c.count ?? 0), 0);
          const hiddenCount = result.cells.filter((c) => c.suppressed).length;
          expect(publishedSum).toBeLessThanOrEqual(result.total);
          // The attacker's assumption (each hidden cell ≥ 1) holds for what was actually hidden.
          expect(result.total - publishedSum).toBeGreaterThanOrEqual(hiddenCount);
        }

        // Complementary suppression never costs more than one extra cell.
        const primary = cellCounts.filter(isSmall).length;
        expect(hiddenKeys(result).length - primary).toBeLessThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('input checks', () => {
  it('reports whether cells sum to the total', () => {
    expect(sumIsConsistent(group([3, 10, 12]))).toBe(true);
    expect(sumIsConsistent(group([3, 10, 12], 26))).toBe(false);
  });

  it('throws on cells that do not sum to the total', () => {
    expect(() => suppressAdditive(group([3, 10, 12], 26))).toThrow(/sum to 25 but total is 26/);
    expect(() => suppressAdditive(group([3, 10, 12], 24))).toThrow(Error);
  });

  it('throws on counts that are not non-negative integers', () => {
    expect(() => suppressAdditive(group([-1, 6], 5))).toThrow(RangeError);
    expect(() => suppressAdditive(group([1.5, 5.5], 7))).toThrow(RangeError);
    expect(() => suppressOverlapping({ key: 's', title: 'S', base: -1, cells: [] })).toThrow(RangeError);
  });

  it('throws on a threshold that is not an integer ≥ 1', () => {
    expect(() => suppressAdditive(group([5, 5]), 0)).toThrow(RangeError);
    expect(() => suppressOverlapping({ key: 's', title: 'S', base: 5, cells: [] }, 2.5)).toThrow(RangeError);
  });

  it('throws on repeated cell keys', () => {
    const input = group([5, 5]);
    const cells = input.cells.map((c) => ({ ...c, key: 'same' }));
    expect(() => suppressAdditive({ ...input, cells })).toThrow(/duplicate/);
  });
});
