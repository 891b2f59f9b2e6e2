/**
 * Remembers every personnummer the test factories hand out and every log the tests capture, so one
 * check after each test file (leak-check.setup.ts) can prove that no log line of the whole run holds
 * any of them, in any written form.
 */
const issuedForms = new Set<string>();
const capturedLogs: string[][] = [];

export function watchPersonnummer(written: string): void {
  const twelve = written.replace(/[-+]/, '');
  issuedForms.add(twelve);
  issuedForms.add(twelve.slice(2));
  issuedForms.add(`${twelve.slice(2, 8)}-${twelve.slice(8)}`);
  issuedForms.add(`${twelve.slice(0, 8)}-${twelve.slice(8)}`);
}

export function watchLogLines(lines: string[]): void {
  capturedLogs.push(lines);
}

/** The issued numbers (in the form found) that appear in any captured log line. */
export function leakedPersonNumbers(): string[] {
  const leaked = new Set<string>();
  for (const lines of capturedLogs) {
    for (const line of lines) for (const form of issuedForms) if (line.includes(form)) leaked.add(form);
  }
  return [...leaked];
}

export function watchedCounts() {
  return { numbers: issuedForms.size / 4, lines: capturedLogs.reduce((n, lines) => n + lines.length, 0) };
}
