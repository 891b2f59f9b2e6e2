/**
 * Small-cell disclosure control for the aggregate tables förbund pull (Finsam follow-up statistics).
 *
 * Follows the Swedish official-statistics norm: counts 1..threshold−1 are never published, 0 is
 * published as 0 (an empty cell identifies nobody), and in additive groups complementary suppression
 * keeps a hidden cell from being recomputed as total minus the published cells.
 * Shares are only ever computed from published figures, so a share can never leak a hidden count.
 */

/** Counts 1–4 are hidden unless a caller asks for a stricter threshold. */
export const defaultSuppressionThreshold = 5;

export interface CellInput {
  key: string;
  label: string;
  count: number;
}

export interface PublishedCell {
  key: string;
  label: string;
  count: number | null;
  suppressed: boolean;
  share: number | null;
}

/** Cells partition the total: every person is counted in exactly one cell. */
export interface AdditiveGroupInput {
  key: string;
  title: string;
  total: number;
  cells: CellInput[];
}

export interface PublishedAdditiveGroup {
  key: string;
  title: string;
  total: number | null;
  totalSuppressed: boolean;
  cells: PublishedCell[];
}

/** Cells overlap (one person may be in several), so no total sums them; base = the distinct population. */
export interface OverlappingSetInput {
  key: string;
  title: string;
  base: number;
  cells: CellInput[];
}

export interface PublishedOverlappingSet {
  key: string;
  title: string;
  base: number | null;
  cells: PublishedCell[];
}

function assertThreshold(threshold: number): void {
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new RangeError(`suppression threshold must be an integer ≥ 1, got ${threshold}`);
  }
}

function assertCount(count: number, where: string): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`${where}: count must be a non-negative integer, got ${count}`);
  }
}

function assertCells(cells: readonly CellInput[], where: string): void {
  const seen = new Set<string>();
  for (const cell of cells) {
    assertCount(cell.count, `${where}/${cell.key}`);
    // recoverableCells reports keys, so a repeated key would make its answer ambiguous.
    if (seen.has(cell.key)) throw new Error(`${where}: duplicate cell key ${cell.key}`);
    seen.add(cell.key);
  }
}

function isSmall(count: number, threshold: number): boolean {
  return count >= 1 && count < threshold;
}

function sum(values: readonly number[]): number {
  return values.reduce((acc, v) => acc + v, 0);
}

function shareOf(count: number | null, whole: number | null): number | null {
  return count !== null && whole !== null && whole > 0 ? count / whole : null;
}

/** True when the cells of an additive group add up to its total. */
export function sumIsConsistent(group: AdditiveGroupInput): boolean {
  return sum(group.cells.map((c) => c.count)) === group.total;
}

/**
 * Primary plus complementary suppression of one additive group.
 * Throws when the cells do not sum to the total: that is an upstream bug, and suppressing it would
 * publish a table whose hidden cells cannot be reasoned about.
 */
export function suppressAdditive(
  group: AdditiveGroupInput,
  threshold: number = defaultSuppressionThreshold,
): PublishedAdditiveGroup {
  assertThreshold(threshold);
  assertCount(group.total, `${group.key}/total`);
  assertCells(group.cells, group.key);
  if (!sumIsConsistent(group)) {
    const cellSum = sum(group.cells.map((c) => c.count));
    throw new Error(`additive group ${group.key}: cells sum to ${cellSum} but total is ${group.total}`);
  }

  const hidden = group.cells.map((c) => isSmall(c.count, threshold));
  // A small total hides the whole group; every non-zero cell is then ≤ total < threshold as well.
  let totalSuppressed = isSmall(group.total, threshold);

  // With the total hidden nothing can be subtracted from it, so complements are only needed otherwise.
  while (!totalSuppressed) {
    const hiddenCounts = group.cells.filter((_, i) => hidden[i]).map((c) => c.count);
    const k = hiddenCounts.length;
    // Pinned: one hidden cell equals total − published; k hidden cells summing to k must all be 1.
    const recoverable = k === 1 || (k >= 2 && sum(hiddenCounts) === k);
    if (!recoverable) break;

    let complement: number | undefined;
    group.cells.forEach((c, i) => {
      if (hidden[i] || c.count === 0) return;
      // Strict < keeps the first of equal candidates.
      const best = complement === undefined ? undefined : group.cells[complement];
      if (best === undefined || c.count < best.count) complement = i;
    });
    if (complement === undefined) {
      // Only zeros are left published, and hiding a zero would break "zeros are never hidden".
      totalSuppressed = true;
    } else {
      hidden[complement] = true;
    }
  }

  const total = totalSuppressed ? null : group.total;
  return {
    key: group.key,
    title: group.title,
    total,
    totalSuppressed,
    cells: group.cells.map((c, i) => {
      const count = hidden[i] ? null : c.count;
      return { key: c.key, label: c.label, count, suppressed: count === null, share: shareOf(count, total) };
    }),
  };
}

/**
 * Primary suppression of a set of overlapping counts and of its base.
 * No complementary step: without a total that the cells sum to, no hidden cell can be derived from
 * the others. (This holds only while no other published table adds them up.)
 */
export function suppressOverlapping(
  set: OverlappingSetInput,
  threshold: number = defaultSuppressionThreshold,
): PublishedOverlappingSet {
  assertThreshold(threshold);
  assertCount(set.base, `${set.key}/base`);
  assertCells(set.cells, set.key);

  const base = isSmall(set.base, threshold) ? null : set.base;
  return {
    key: set.key,
    title: set.title,
    base,
    cells: set.cells.map((c) => {
      const count = isSmall(c.count, threshold) ? null : c.count;
      return { key: c.key, label: c.label, count, suppressed: count === null, share: shareOf(count, base) };
    }),
  };
}

/**
 * Attacker's view: from a published additive group alone, which suppressed cells can be pinned to one value?
 * Assumes each suppressed cell is at least 1 (zeros are never hidden) and, if the total is published,
 * that the hidden cells sum to total − published cells. Returns the keys of recoverable cells (empty = safe).
 * If the total is suppressed too, nothing is recoverable from this group alone.
 *
 * Interval reasoning, exact for integers: with k hidden cells x_1..x_k, bounds lo_j ≤ x_j ≤ hi_j and
 * Σx_j = S, the values x_i can take are exactly the integers in
 *   [max(lo_i, S − Σ_{j≠i} hi_j), min(hi_i, S − Σ_{j≠i} lo_j)]
 * because the sum of the other cells ranges over every integer between its extreme values.
 * Here lo_j = 1 and hi_j = ∞ (the attacker has no upper bound), so:
 *  - k = 1: the others' sums are empty (0), the interval is [S, S]: pinned.
 *  - k ≥ 2: the lower end is max(1, S − ∞) = 1 and the upper end is S − (k − 1); the interval is a
 *    single point iff S − (k − 1) = 1, i.e. S = k (every hidden cell is 1). For S > k every hidden cell
 *    can be anything from 1 to S − k + 1 ≥ 2, so none is pinned. Hence k = 1 or S = k are the only leaks.
 * An attacker who also knows the suppression rule could add upper bounds (a primary cell is < threshold,
 * a complement is ≤ the smallest published cell) and narrow hidden cells to ranges; that is out of scope here.
 */
export function recoverableCells(group: PublishedAdditiveGroup): string[] {
  if (group.totalSuppressed || group.total === null) return [];

  // A null count is hidden whatever the flag says; a suppressed flag wins over a stray count.
  const isHidden = (c: PublishedCell): boolean => c.suppressed || c.count === null;
  const hiddenCells = group.cells.filter(isHidden);
  const k = hiddenCells.length;
  if (k === 0) return [];

  const publishedSum = sum(group.cells.filter((c) => !isHidden(c)).map((c) => c.count ?? 0));
  const hiddenSum = group.total - publishedSum;
  if (hiddenSum < k) {
    throw new Error(
      `published group ${group.key} is inconsistent: ${k} hidden cells, each ≥ 1, would have to sum to ${hiddenSum}`,
    );
  }

  const lower = 1;
  const upper = Number.POSITIVE_INFINITY;
  const othersLowerSum = (k - 1) * lower;
  // k = 1 has no others: (k − 1) · ∞ would be NaN, and their upper sum is 0.
  const othersUpperSum = k === 1 ? 0 : (k - 1) * upper;
  const min = Math.max(lower, hiddenSum - othersUpperSum);
  const max = Math.min(upper, hiddenSum - othersLowerSum);
  return min === max ? hiddenCells.map((c) => c.key) : [];
}
