/**
 * `pnpm build`: each long-running process as one ES module under its service's `dist/`, the
 * workspace's TypeScript and its dependencies bundled in, so production runs plain `node` without a
 * TypeScript loader in every process (it costs tens of megabytes of memory and slows the start).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const processes = ['gateway', 'dispatcher'];

for (const name of processes) {
  await build({
    entryPoints: [`${root}services/${name}/src/main.ts`],
    outfile: `${root}services/${name}/dist/main.mjs`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    // Bundled CommonJS dependencies still call require().
    banner: {
      js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
    },
    // Resolved at run time from the service's own node_modules, not bundled: the docs page's browser script is read as a file.
    external: ['@scalar/api-reference'],
    logLevel: 'warning',
  });
  process.stdout.write(`built services/${name}/dist/main.mjs\n`);
}
