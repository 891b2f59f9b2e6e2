import { watchLogLines } from './leak-watch';

/**
 * Collects the JSON lines a logger writes, for asserting on what was (and was not) logged. A plain
 * object with `write` keeps pino synchronous, so a line is readable as soon as the request returns.
 */
export function captureLogs() {
  const lines: string[] = [];
  watchLogLines(lines);
  const stream = {
    write(chunk: string) {
      lines.push(...chunk.split('\n').filter(Boolean));
    },
  };
  return {
    stream,
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
