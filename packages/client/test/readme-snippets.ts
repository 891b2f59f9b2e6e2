/**
 * Turns the README's `ts` blocks into one runnable module for test/e2e/client-readme.test.ts. The
 * blocks form one program, read top to bottom, so they are joined into one async generator that
 * yields after each block with the variables the test asks to see; imports are merged at the top.
 */

export interface Snippet {
  name: string;
  code: string;
  /** 1-based line of the block's first code line in the README, for messages. */
  line: number;
}

const markerPattern = /^<!--\s*snippet:\s*([\w-]+)\s*-->$/;
const fencePattern = /^```(\w*)\s*$/;

/** Every `ts` block, each named by the `<!-- snippet: name -->` comment before it. */
export function extractSnippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  let pending: { name: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const marker = markerPattern.exec(text.trim());
    if (marker?.[1]) {
      if (pending) throw new Error(`line ${i + 1}: snippet "${pending.name}" is followed by no ts block`);
      pending = { name: marker[1], line: i + 1 };
      continue;
    }
    const fence = fencePattern.exec(text);
    if (!fence) {
      if (pending && text.trim() !== '') {
        throw new Error(`line ${pending.line}: snippet "${pending.name}" is not followed by a ts block`);
      }
      continue;
    }
    const end = lines.findIndex((candidate, j) => j > i && candidate.startsWith('```'));
    if (end === -1) throw new Error(`line ${i + 1}: unclosed code block`);
    if (fence[1] === 'ts' || fence[1] === 'typescript') {
      if (!pending) throw new Error(`line ${i + 1}: a ts block without a <!-- snippet: name --> comment`);
      if (snippets.some((s) => s.name === pending?.name)) {
        throw new Error(`line ${pending.line}: snippet name "${pending.name}" used twice`);
      }
      snippets.push({ name: pending.name, code: lines.slice(i + 1, end).join('\n'), line: i + 2 });
    } else if (pending) {
      throw new Error(`line ${pending.line}: snippet "${pending.name}" is a ${fence[1] || 'plain'} block`);
    }
    pending = undefined;
    i = end;
  }
  if (pending) throw new Error(`line ${pending.line}: snippet "${pending.name}" is followed by no ts block`);
  return snippets;
}

const importPattern = /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';[ \t]*\n?/gm;

/** The named imports of a block (the only form the README uses) and the code without them. */
export function splitImports(code: string): {
  imports: Array<{ from: string; names: string[] }>;
  body: string;
} {
  const imports: Array<{ from: string; names: string[] }> = [];
  const body = code.replace(
    importPattern,
    (_all, typeOnly: string | undefined, names: string, from: string) => {
      const list = names
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '')
        .map((name) => (typeOnly && !name.startsWith('type ') ? `type ${name}` : name));
      imports.push({ from, names: list });
      return '';
    },
  );
  const stray = /^import\b.*$/m.exec(body);
  if (stray) throw new Error(`unsupported import form (use named imports): ${stray[0]}`);
  return { imports, body: body.trim() };
}

/** `import { a, type B }` lines, one per module, each name once; a value import covers a type one. */
export function mergeImports(all: Array<{ from: string; names: string[] }>): string {
  const byModule = new Map<string, Map<string, string>>();
  for (const { from, names } of all) {
    const names_ = byModule.get(from) ?? new Map<string, string>();
    for (const name of names) {
      const local = name.replace(/^type\s+/, '').replace(/^.*\s+as\s+/, '');
      const known = names_.get(local);
      if (known === undefined || known.startsWith('type ')) names_.set(local, name);
    }
    byModule.set(from, names_);
  }
  return [...byModule]
    .map(([from, names]) => `import { ${[...names.values()].join(', ')} } from '${from}';`)
    .join('\n');
}

/** The names and literal types the setup block declares: `const baseUrl = '…';` → baseUrl: string. */
export function setupDeclarations(code: string): Array<{ name: string; type: 'string' | 'number' }> {
  return [...code.matchAll(/^const (\w+) = (.+?);/gm)].map(([, name = '', value = '']) => ({
    name,
    type: /^['"`]/.test(value) ? 'string' : 'number',
  }));
}

/**
 * The module: `run(setup)` declares the setup block's names from its argument (plus a `console` the
 * test captures), runs each block in order and yields `{ name, values }` after it.
 */
export function buildSnippetModule(snippets: Snippet[], expose: Record<string, string[]>): string {
  const [setup, ...blocks] = snippets;
  if (setup?.name !== 'setup') throw new Error('the first snippet must be "setup"');
  const declarations = setupDeclarations(setup.code);
  const split = blocks.map((block) => ({ block, ...splitImports(block.code) }));
  const setupType = [
    ...declarations.map(({ name, type }) => `${name}: ${type}`),
    'console: { log: (...values: unknown[]) => void }',
  ].join('; ');
  const body = split
    .map(({ block, body: code }) => {
      const values = (expose[block.name] ?? []).join(', ');
      return [
        `  // ── snippet: ${block.name} (README line ${block.line})`,
        code.replace(/^(?=.)/gm, '  '),
        `  yield { name: '${block.name}', values: { ${values} } };`,
      ].join('\n');
    })
    .join('\n\n');
  return [
    '// Built from packages/client/README.md by test/e2e/client-readme.test.ts; deleted after the run.',
    mergeImports(split.flatMap(({ imports }) => imports)),
    '',
    `export async function* run(setup: { ${setupType} }): AsyncGenerator<{ name: string; values: Record<string, unknown> }, void, undefined> {`,
    `  const { ${[...declarations.map((d) => d.name), 'console'].join(', ')} } = setup;`,
    body,
    '}',
    '',
  ].join('\n');
}
