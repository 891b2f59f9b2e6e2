import { describe, expect, it } from 'vitest';
import { buildSnippetModule, extractSnippets, mergeImports, splitImports } from './readme-snippets';

const fence = '```';

describe('extractSnippets', () => {
  it('names each ts block by the comment before it and skips other blocks', () => {
    const markdown = [
      '<!-- snippet: setup -->',
      '',
      `${fence}ts`,
      "const baseUrl = 'x';",
      fence,
      `${fence}text`,
      '<!-- snippet: not-a-marker-inside-a-block -->',
      fence,
      '<!-- snippet: first -->',
      `${fence}ts`,
      'const a = 1;',
      fence,
    ].join('\n');
    expect(extractSnippets(markdown)).toEqual([
      { name: 'setup', code: "const baseUrl = 'x';", line: 4 },
      { name: 'first', code: 'const a = 1;', line: 11 },
    ]);
  });

  it('refuses an unnamed ts block, a marker before prose, and a name used twice', () => {
    expect(() => extractSnippets(`${fence}ts\nconst a = 1;\n${fence}`)).toThrow(/without a <!-- snippet/);
    expect(() => extractSnippets('<!-- snippet: a -->\nprose\n')).toThrow(/not followed by a ts block/);
    const twice = `<!-- snippet: a -->\n${fence}ts\n1;\n${fence}\n<!-- snippet: a -->\n${fence}ts\n2;\n${fence}`;
    expect(() => extractSnippets(twice)).toThrow(/used twice/);
  });
});

describe('imports', () => {
  it('are split from the code, multi-line ones too, and merged per module', () => {
    const first = splitImports("import { a, type B } from 'm';\nimport {\n  c,\n} from 'n';\nuse(a);");
    const second = splitImports("import type { B, D } from 'm';\nimport { a } from 'm';\nuse(D);");
    expect(first.body).toBe('use(a);');
    expect(mergeImports([...first.imports, ...second.imports])).toBe(
      "import { a, type B, type D } from 'm';\nimport { c } from 'n';",
    );
  });

  it('refuses other import forms', () => {
    expect(() => splitImports("import fs from 'node:fs';")).toThrow(/unsupported import form/);
  });

  it('lets a value import cover a type import of the same name', () => {
    expect(
      mergeImports([
        { from: 'm', names: ['type A'] },
        { from: 'm', names: ['A'] },
      ]),
    ).toBe("import { A } from 'm';");
  });
});

describe('buildSnippetModule', () => {
  it('declares the setup names from run()’s argument and yields after each block', () => {
    const module = buildSnippetModule(
      [
        { name: 'setup', code: "const baseUrl = 'x';\nconst port = 1;", line: 1 },
        { name: 'one', code: "import { f } from 'm';\nconst a = f(baseUrl);", line: 5 },
      ],
      { one: ['a'] },
    );
    expect(module).toContain("import { f } from 'm';");
    expect(module).toContain('setup: { baseUrl: string; port: number; console: ');
    expect(module).toContain('const { baseUrl, port, console } = setup;');
    expect(module).toContain("  const a = f(baseUrl);\n  yield { name: 'one', values: { a } };");
  });
});
