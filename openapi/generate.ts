/**
 * Writes the OpenAPI 3.1 documents of the gateway and of each service from the code (`pnpm openapi`).
 * With `--check`, writes nothing and fails when a committed document differs from the code.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocuments } from './documents';

const here = path.dirname(fileURLToPath(import.meta.url));
const check = process.argv.includes('--check');
const documents = await buildOpenApiDocuments();
let drift = 0;
for (const [name, document] of Object.entries(documents)) {
  const file = path.join(here, `${name}.openapi.json`);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (check) {
    const committed = await readFile(file, 'utf8').catch(() => '');
    if (committed !== text) {
      drift++;
      process.stderr.write(
        `openapi/${name}.openapi.json differs from the code; run pnpm openapi and commit\n`,
      );
    }
  } else {
    await writeFile(file, text);
    process.stdout.write(`wrote openapi/${name}.openapi.json\n`);
  }
}
if (drift > 0) process.exit(1);
if (check) process.stdout.write(`openapi: ${Object.keys(documents).length} documents match the code\n`);
