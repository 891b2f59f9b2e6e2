/** The benchmark's result table: each figure against the product owner's target and stretch. */
import { cpus, totalmem } from 'node:os';

export interface Measurement {
  scenario: string;
  measure: string;
  /** The figure the target is set on: a ratio, or an absolute value in `unit`. */
  value: number;
  unit: '' | 'ms' | 'MB';
  /** Whether a larger value is better (rates, ratios of rates) or a smaller one (latency, memory, time ratios). */
  better: 'higher' | 'lower';
  target: number;
  stretch?: number;
  /** The measured figures behind a ratio, for the reader to check the arithmetic. */
  basis: string;
}

export type Verdict = 'stretch' | 'met' | 'missed';

export function verdictOf(m: Measurement): Verdict {
  const meets = (limit: number) => (m.better === 'higher' ? m.value >= limit : m.value <= limit);
  if (m.stretch !== undefined && meets(m.stretch)) return 'stretch';
  return meets(m.target) ? 'met' : 'missed';
}

/** How far a missed figure is from its target, in the target's direction. */
export function shortfallOf(m: Measurement): string {
  const factor = m.better === 'higher' ? m.target / m.value : m.value / m.target;
  return `${((factor - 1) * 100).toFixed(0)} % short`;
}

function formatted(value: number, unit: Measurement['unit']): string {
  if (unit === 'ms') return `${value.toFixed(1)} ms`;
  if (unit === 'MB') return `${value.toFixed(0)} MB`;
  return value.toFixed(2);
}

function bound(m: Measurement, limit: number | undefined): string {
  if (limit === undefined) return '—';
  return `${m.better === 'higher' ? '≥' : '≤'} ${formatted(limit, m.unit)}`;
}

/** A Markdown table, also readable in a terminal. */
export function resultTable(measurements: readonly Measurement[]): string {
  const rows = measurements.map((m) => {
    const verdict = verdictOf(m);
    const shown = verdict === 'missed' ? `**missed** (${shortfallOf(m)})` : verdict;
    return [
      m.scenario,
      m.measure,
      `**${formatted(m.value, m.unit)}**`,
      bound(m, m.target),
      bound(m, m.stretch),
      shown,
      m.basis,
    ];
  });
  const header = ['scenario', 'measure', 'measured', 'target', 'stretch', 'verdict', 'from'];
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'cpu';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
