/**
 * `pnpm build`: each process as one ES module, the workspace's TypeScript and its dependencies bundled
 * in, so production runs plain `node` without a TypeScript loader in every process (it costs tens of
 * megabytes of memory and slows the start). Bundles land beside their sources (`services/<name>/dist/`).
 *
 * `pnpm build --runtime <dir>`: the same bundles written into `<dir>` in the same layout, with what they
 * read at run time beside them (the migrations, the packages left external) and the container's
 * entrypoint. That directory is the container image's `/app` (infra/container/Dockerfile).
 */
import { chmod, cp, mkdir, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface Bundle {
  /** The container command that runs it (infra/container/entrypoint.sh). */
  command: string;
  entry: string;
  outfile: string;
}

const services = [
  'gateway',
  'dispatcher',
  'exchange',
  'consent',
  'sip',
  'consultation',
  'metrics',
  'signals',
];

/** Every process the image can run, paths relative to the repository (and to the image's `/app`). */
export const bundles: Bundle[] = [
  ...services.map((name) => ({
    command: name,
    entry: `services/${name}/src/main.ts`,
    outfile: `services/${name}/dist/main.mjs`,
  })),
  // runMigrations finds its SQL at `../migrations` from its own module URL, which in a bundle is the
  // bundle's URL: one level below packages/db, the folder resolves in the repository and in the image.
  { command: 'migrate', entry: 'infra/migrate.ts', outfile: 'packages/db/dist/migrate.mjs' },
];

/**
 * Packages the bundles leave external because they are read as files at run time, not imported: each
 * is resolved from the workspace package that depends on it.
 */
export const runtimePackages = [
  // The API docs' browser script (createHost in @samsyn/http serves it at /docs/scalar.js).
  { name: '@scalar/api-reference', dependencyOf: 'services/gateway' },
  // The dispatcher's queue board: its page template and static files.
  { name: '@bull-board/ui', dependencyOf: 'services/dispatcher' },
];

/** Read at run time as they are: the migrations (by the migrate bundle) and the image's entrypoint. */
export const runtimeFiles = ['packages/db/migrations', 'infra/container/entrypoint.sh'];

async function bundle(outRoot: string): Promise<void> {
  await Promise.all(
    bundles.map((b) =>
      build({
        entryPoints: { [path.basename(b.outfile, '.mjs')]: path.join(root, b.entry) },
        outdir: path.dirname(path.join(outRoot, b.outfile)),
        outExtension: { '.js': '.mjs' },
        // What a process imports only when it needs it (the dashboard's charts, tracing) goes in
        // chunks beside the bundle, so a process that never needs it never parses it.
        splitting: true,
        chunkNames: 'chunks/[name]-[hash]',
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        sourcemap: true,
        // Bundled CommonJS dependencies still call require().
        banner: {
          js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
        },
        external: runtimePackages.map((p) => p.name),
        logLevel: 'warning',
      }),
    ),
  );
}

/**
 * Copies an installed package without its own node_modules (pnpm links its dependencies there; the
 * bundles never load them) and without source maps, which the image does not need.
 */
async function copyPackage(name: string, dependencyOf: string, outRoot: string): Promise<void> {
  const source = await realpath(path.join(root, dependencyOf, 'node_modules', name));
  await cp(source, path.join(outRoot, 'node_modules', name), {
    recursive: true,
    dereference: true,
    filter: (file) => {
      const relative = path.relative(source, file);
      return !relative.split(path.sep).includes('node_modules') && !relative.endsWith('.map');
    },
  });
}

async function assembleRuntime(outRoot: string): Promise<void> {
  // Refuse a directory with files in it: a mistyped path must not mix old bundles with new ones.
  const existing = await readdir(outRoot).catch(() => []);
  if (existing.length > 0) throw new Error(`--runtime ${outRoot}: the directory must be new or empty`);
  await mkdir(outRoot, { recursive: true });
  await bundle(outRoot);
  for (const p of runtimePackages) await copyPackage(p.name, p.dependencyOf, outRoot);
  for (const file of runtimeFiles) {
    await cp(path.join(root, file), path.join(outRoot, file), { recursive: true });
  }
  await chmod(path.join(outRoot, 'infra/container/entrypoint.sh'), 0o755);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runtime: { type: 'string' } } });
  if (values.runtime) {
    const outRoot = path.resolve(values.runtime);
    await assembleRuntime(outRoot);
    process.stdout.write(`built the runtime tree in ${outRoot}\n`);
    return;
  }
  await bundle(root);
  for (const b of bundles) process.stdout.write(`built ${b.outfile}\n`);
}

// Tests import the lists above; only running the file builds.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
