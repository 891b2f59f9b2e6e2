/**
 * How the demo talks: numbered steps, each request as an integrator would write it down, each answer
 * with its status and the part of the body worth reading. Colour only on a terminal.
 */
const colour = process.stdout.isTTY && process.env.NO_COLOR === undefined;
const paint = (code: number) => (text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
export const dim = paint(2);
export const bold = paint(1);
export const green = paint(32);
export const red = paint(31);
export const cyan = paint(36);

const maxBodyLines = 14;

function write(line = '') {
  process.stdout.write(`${line}\n`);
}

/** Pretty JSON, cut to a readable height: the demo shows the shape, the API docs show everything. */
export function readableJson(value: unknown, indent = '      '): string {
  const lines = JSON.stringify(value, null, 2).split('\n');
  const shown = lines.length > maxBodyLines ? [...lines.slice(0, maxBodyLines - 1), '…'] : lines;
  return shown.map((line) => `${indent}${line}`).join('\n');
}

export function createNarrator(totalSteps: number) {
  let step = 0;
  return {
    title(text: string) {
      write(bold(text));
    },
    step(text: string) {
      step += 1;
      write();
      write(bold(`[${String(step).padStart(2)}/${totalSteps}] ${text}`));
    },
    request(line: string, body?: unknown) {
      write(cyan(`   → ${line}`));
      if (body !== undefined) write(dim(readableJson(body)));
    },
    response(status: number, summary: string, elapsedMs: number) {
      const mark = status < 400 ? green(`← ${status}`) : red(`← ${status}`);
      write(`   ${mark} ${summary} ${dim(`(${elapsedMs} ms)`)}`);
    },
    note(text: string) {
      write(`   ${text}`);
    },
    done(text: string) {
      write(green(`   ✓ ${text}`));
    },
    get stepsTaken() {
      return step;
    },
  };
}

export type Narrator = ReturnType<typeof createNarrator>;
