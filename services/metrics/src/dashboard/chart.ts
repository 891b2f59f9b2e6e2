import type { PublishedTable } from '../report';

type ChartLibrary = [typeof import('@observablehq/plot'), typeof import('linkedom')];
let library: ChartLibrary | undefined;

/**
 * Loads Observable Plot and its DOM on the first dashboard page, not at start: together they cost
 * the process about 40 MB, and most gateways serve only the API.
 */
export async function loadChartLibrary(): Promise<void> {
  library ??= await Promise.all([import('@observablehq/plot'), import('linkedom')]);
}

/** About what fits beside the bars at the chart's font size. */
const labelCharsPerLine = 36;

/** The text a screen reader gets instead of the bars: every figure, "<5" where suppressed. */
export function chartDescription(table: PublishedTable, suppressedLabel: string): string {
  const cells = table.cells.map((cell) => `${cell.label}: ${cell.count ?? suppressedLabel}`);
  return `Stapeldiagram över ${table.title.toLowerCase()}. ${cells.join('; ')}.`;
}

/**
 * A horizontal bar chart of a table, rendered on the server to SVG by Observable Plot, so pages need
 * no script and print as they look. Suppressed cells get no bar, only their "<5" label: drawing a
 * guessed length would publish a guess.
 */
export function barChart(table: PublishedTable, suppressedLabel: string, describedBy: string): string {
  if (!library) throw new Error('loadChartLibrary() first');
  const [Plot, { parseHTML }] = library;
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const rows = table.cells.map((cell) => ({
    label: cell.label,
    count: cell.count ?? 0,
    text: cell.count === null ? suppressedLabel : String(cell.count),
  }));
  const largest = Math.max(1, ...rows.map((row) => row.count));
  // Long Swedish labels wrap onto at most three lines instead of being cut at the margin.
  const lines = Math.max(...rows.map((row) => Math.min(3, Math.ceil(row.label.length / labelCharsPerLine))));
  const svg = Plot.plot({
    document,
    width: 640,
    height: (16 + 12 * lines) * rows.length + 44,
    marginLeft: 230,
    marginRight: 48,
    x: { label: 'Antal personer', grid: true, nice: true, domain: [0, largest] },
    y: { label: null, domain: rows.map((row) => row.label) },
    ariaLabel: table.title,
    marks: [
      Plot.axisY({ lineWidth: 20, tickSize: 0 }),
      Plot.barX(rows, { x: 'count', y: 'label', fill: '#1f4e79' }),
      Plot.text(rows, { x: 'count', y: 'label', text: 'text', dx: 6, textAnchor: 'start', fill: '#1b1b1b' }),
      Plot.ruleX([0]),
    ],
  });
  // Plot's <style> element would need 'unsafe-inline' in the page's CSP; the stylesheet carries it.
  for (const style of svg.querySelectorAll('style')) style.remove();
  // The chart is one image to assistive technology, named and described as a whole: Plot's labels
  // on its inner groups would be names on elements that may not have them.
  for (const inner of svg.querySelectorAll('[aria-label], [aria-description]')) {
    inner.removeAttribute('aria-label');
    inner.removeAttribute('aria-description');
  }
  svg.setAttribute('role', 'img');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('aria-describedby', describedBy);
  return svg.outerHTML;
}
