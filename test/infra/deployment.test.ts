import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DockerfileParser, type Instruction, type JSONInstruction, Label } from 'dockerfile-ast';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { type IJob, Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundles, runtimeFiles } from '../../infra/build';
import {
  commands,
  configSchemas,
  entrypointFileVariables,
  isRecord,
  keysToProvide,
  parseYaml,
  parseYamlDocuments,
  readText,
  root,
  secretStandIns,
  yamlFilesUnder,
} from './support';

/**
 * The deployment files, checked without a container engine or a cluster: the Kubernetes manifests
 * against the API's JSON schemas (kubernetes-models) and for what the schemas cannot see, the compose
 * file with dclint (Compose schema and rules), the Dockerfile through its syntax tree, and the
 * configuration each process would be started with against the zod schema it parses at start.
 */

// --- the image ----------------------------------------------------------------------------------

const dockerfile = DockerfileParser.parse(readText('infra/container/Dockerfile'));
const froms = dockerfile.getFROMs();
const lastFrom = froms.at(-1);
const finalStageLine = lastFrom?.getRange().start.line ?? 0;
const inFinalStage = (i: Instruction) => i.getRange().start.line >= finalStageLine;
const instructions = (keyword: string) =>
  dockerfile.getInstructions().filter((i) => i.getKeyword() === keyword);
const jsonStrings = (i: JSONInstruction) => i.getJSONStrings().map((s) => s.getJSONValue());

/** The environment the image sets (ENV in the final stage): what every container starts with. */
const imageEnv: Record<string, string> = Object.fromEntries(
  dockerfile
    .getENVs()
    .filter(inFinalStage)
    .flatMap((env) => env.getProperties().map((p) => [p.getName(), p.getValue() ?? ''])),
);

describe('Dockerfile', () => {
  it('builds in one stage and runs from another, on tagged base images', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      const tag = from.getImageTag();
      expect(from.getImageDigest() ?? tag, `${from.getImage()} needs a tag or digest`).toBeTruthy();
      expect(tag).not.toBe('latest');
    }
  });

  it('runs the final stage as a numeric, non-root user (Kubernetes can only verify runAsNonRoot then)', () => {
    const users = instructions('USER').filter(inFinalStage);
    expect(users.length).toBeGreaterThan(0);
    const [uid] = (users.at(-1)?.getArgumentsContent() ?? '').split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
  });

  it('listens on every interface and carries OCI labels', () => {
    expect(imageEnv.HOST).toBe('0.0.0.0');
    const labels = instructions('LABEL')
      .filter(inFinalStage)
      .flatMap((l) => (l instanceof Label ? l.getProperties().map((p) => p.getName()) : []));
    for (const key of ['title', 'description', 'version', 'revision']) {
      expect(labels).toContain(`org.opencontainers.image.${key}`);
    }
  });

  it('installs from the lockfile with the pinned pnpm and builds the runtime tree that the final stage copies', () => {
    const runs = instructions('RUN').map((r) => r.getArgumentsContent() ?? '');
    expect(runs.some((r) => /pnpm install --frozen-lockfile/.test(r))).toBe(true);
    const pinned = JSON.parse(readText('package.json')).packageManager.split('@')[1];
    expect(readText('infra/container/Dockerfile')).toContain(`PNPM_VERSION=${pinned}`);
    const runtimeDir = runs.map((r) => /pnpm build --runtime (\S+)/.exec(r)?.[1]).find(Boolean);
    expect(runtimeDir).toBeTruthy();
    const copies = dockerfile.getCOPYs().filter(inFinalStage);
    const fromBuild = copies.find(
      (c) =>
        c
          .getFlags()
          .find((f) => f.getName() === 'from')
          ?.getValue() === froms[0]?.getBuildStage(),
    );
    const [source, destination] = fromBuild?.getArguments().map((a) => a.getValue()) ?? [];
    expect(source?.replace(/\/$/, '')).toBe(runtimeDir);
    expect(destination).toBe('/app/');
  });

  it('copies what `pnpm fetch` reads before it runs: the lockfile and the patches it names', () => {
    const fetch = instructions('RUN').find((r) => /pnpm fetch/.test(r.getArgumentsContent() ?? ''));
    expect(fetch).toBeDefined();
    const fetchLine = fetch?.getRange().start.line ?? 0;
    const copied = dockerfile
      .getCOPYs()
      .filter((c) => c.getRange().start.line < fetchLine)
      .flatMap((c) =>
        c
          .getArguments()
          .slice(0, -1)
          .map((a) => a.getValue().replace(/\/$/, '')),
      );
    const patches: string[] = Object.values(
      JSON.parse(readText('package.json')).pnpm?.patchedDependencies ?? {},
    );
    for (const file of ['pnpm-lock.yaml', 'pnpm-workspace.yaml', ...patches]) {
      expect(
        copied.some((source) => file === source || file.startsWith(`${source}/`)),
        `${file} is copied before pnpm fetch`,
      ).toBe(true);
    }
  });

  it('starts through the entrypoint the runtime tree holds, with a valid default command', () => {
    const [entrypoint] = dockerfile.getENTRYPOINTs().filter(inFinalStage);
    expect(entrypoint).toBeDefined();
    const [program] = entrypoint ? jsonStrings(entrypoint) : [];
    expect(runtimeFiles.map((f) => `/app/${f}`)).toContain(program);
    const [cmd] = dockerfile.getCMDs().filter(inFinalStage);
    expect(cmd ? jsonStrings(cmd) : []).toHaveLength(1);
    expect(commands).toContain(cmd ? jsonStrings(cmd)[0] : undefined);
  });

  it('keeps dependencies, build output and local secrets out of the build context, but not what the build needs', () => {
    const patterns = readText('infra/container/Dockerfile.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    const ignored = (file: string) => dockerIgnores(patterns, file);
    for (const file of [
      'node_modules/zod/package.json',
      'services/gateway/node_modules/hono/package.json',
      'services/gateway/dist/main.mjs',
      '.data/keys/gateway.private.jwk.json',
      '.git/HEAD',
    ]) {
      expect(ignored(file), file).toBe(true);
    }
    for (const file of [
      'package.json',
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      '.npmrc',
      'tsconfig.base.json',
      'infra/build.ts',
      'infra/migrate.ts',
      'infra/patches/postgres@3.4.9.patch',
      'infra/container/entrypoint.sh',
      'packages/db/migrations/meta/_journal.json',
      'packages/db/src/index.ts',
      ...bundles.map((b) => b.entry),
    ]) {
      expect(ignored(file), file).toBe(false);
    }
  });
});

/** Docker's rule: a pattern excludes a path if it matches the path or one of its parent directories. */
function dockerIgnores(patterns: string[], file: string): boolean {
  let excluded = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/^\//, '');
    const source = pattern
      .split(/(\*\*\/?|\*|\?)/)
      .map((part) => {
        if (part === '**/') return '(?:.*/)?';
        if (part === '**') return '.*';
        if (part === '*') return '[^/]*';
        if (part === '?') return '[^/]';
        return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    const regex = new RegExp(`^${source}$`);
    const parts = file.split('/');
    const matches = parts.some((_, i) => regex.test(parts.slice(0, i + 1).join('/')));
    if (matches) excluded = !negated;
  }
  return excluded;
}

// --- the entrypoint -----------------------------------------------------------------------------

describe('the entrypoint', () => {
  let fakeRoot = '';

  // A tree laid out like the image's /app, each bundle replaced by a script that reports how it ran.
  beforeAll(async () => {
    fakeRoot = await mkdtemp(path.join(tmpdir(), 'samsyn-entrypoint-'));
    await mkdir(path.join(fakeRoot, 'infra/container'), { recursive: true });
    await cp(
      path.join(root, 'infra/container/entrypoint.sh'),
      path.join(fakeRoot, 'infra/container/entrypoint.sh'),
    );
    for (const b of bundles) {
      await mkdir(path.dirname(path.join(fakeRoot, b.outfile)), { recursive: true });
      await writeFile(
        path.join(fakeRoot, b.outfile),
        `process.stdout.write(JSON.stringify({ bundle: ${JSON.stringify(b.outfile)}, argv: process.argv.slice(2), env: process.env }));\n`,
      );
    }
  });
  afterAll(() => rm(fakeRoot, { recursive: true, force: true }));

  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync('sh', [path.join(fakeRoot, 'infra/container/entrypoint.sh'), ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...env },
    });

  it('refuses an unknown command with exit 64 (EX_USAGE) and lists exactly the processes infra/build.ts builds', () => {
    for (const args of [['gatway'], []]) {
      const result = run(args);
      expect(result.status).toBe(64);
      expect(result.stdout).toBe('');
      const listed = /commands: (.*)/.exec(result.stderr)?.[1]?.split(' ');
      expect(listed).toEqual(commands);
    }
    expect(run(['gatway']).stderr).toContain('unknown command "gatway"');
  });

  it('runs, for each command, the bundle infra/build.ts writes for it, passing the remaining arguments', () => {
    for (const b of bundles) {
      const result = run([b.command, '--flag', 'value']);
      expect(result.status, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.bundle).toBe(b.outfile);
      expect(report.argv).toEqual(['--flag', 'value']);
    }
  });

  it('reads NAME_FILE into NAME for the secrets it knows, and leaves the key-file paths alone', async () => {
    const secretFile = path.join(fakeRoot, 'person-key.secret');
    await writeFile(secretFile, 'a-secret-of-the-person-key\n');
    const result = run(['gateway'], {
      PERSON_KEY_SECRET_FILE: secretFile,
      GATEWAY_SIGNING_KEY_FILE: '/run/secrets/gateway_signing_key',
    });
    expect(result.status, result.stderr).toBe(0);
    const { env } = JSON.parse(result.stdout);
    expect(env.PERSON_KEY_SECRET).toBe('a-secret-of-the-person-key');
    expect(env.PERSON_KEY_SECRET_FILE).toBeUndefined();
    expect(env.GATEWAY_SIGNING_KEY_FILE).toBe('/run/secrets/gateway_signing_key');

    const both = run(['gateway'], { PERSON_KEY_SECRET_FILE: secretFile, PERSON_KEY_SECRET: 'x' });
    expect(both.status).toBe(64);
    const missing = run(['gateway'], { DATABASE_URL_FILE: path.join(fakeRoot, 'absent') });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('DATABASE_URL_FILE');
  });
});

// --- configuration ------------------------------------------------------------------------------

/** Checks a process's environment against its schema; returns what is wrong, empty when nothing. */
function configProblems(command: string, env: Record<string, string>): string[] {
  const schema = configSchemas[command];
  if (!schema) return [`no configuration schema for the command ${command}`];
  const problems = keysToProvide(command)
    .filter((key) => env[key] === undefined)
    .map((key) => `${key} is not set`);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return problems;
}

/** The port a process listens on, as its own schema reads it from the environment. */
function listenPort(command: string, env: Record<string, string>): number {
  const schema = configSchemas[command];
  const parsed = schema?.safeParse(env);
  const data: Record<string, unknown> = parsed?.success && isRecord(parsed.data) ? parsed.data : {};
  const port = data.DISPATCHER_PORT ?? data.PORT;
  return typeof port === 'number' ? port : Number.NaN;
}

it('has a configuration schema for every process the image runs', () => {
  expect(Object.keys(configSchemas).sort()).toEqual([...commands].sort());
});

// --- compose ------------------------------------------------------------------------------------

/** `${NAME:-default}` and `${NAME-default}` as compose reads them with NAME unset; `$$` is a `$`. */
function interpolate(value: string): string {
  return value
    .replace(/\$\{([A-Z0-9_]+)(:?-)([^}]*)\}/g, (_, _name: string, _op: string, fallback: string) => fallback)
    .replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
      throw new Error(`compose.yaml needs ${name} from the shell: give it a default`);
    })
    .replaceAll('$$', '$');
}

const compose = parseYaml(readText('infra/compose.yaml'), 'infra/compose.yaml');
const composeServices: Record<string, Record<string, unknown>> = isRecord(compose) &&
isRecord(compose.services)
  ? Object.fromEntries(
      Object.entries(compose.services).filter((e): e is [string, Record<string, unknown>] => isRecord(e[1])),
    )
  : {};
const composeSecrets = isRecord(compose) && isRecord(compose.secrets) ? compose.secrets : {};
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
const commandOf = (service: Record<string, unknown>) => strings(service.command)[0] ?? '';
const processServices = Object.entries(composeServices).filter(([, s]) => commands.includes(commandOf(s)));

/** A compose service's environment, with secrets mounted as files standing in as values. */
function composeEnv(
  name: string,
  service: Record<string, unknown>,
): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = { ...imageEnv };
  const problems: string[] = [];
  const mounted = strings(service.secrets);
  const secretFile = (variable: string, file: string) => {
    const secret = /^\/run\/secrets\/([\w.-]+)$/.exec(file)?.[1];
    if (!secret || !mounted.includes(secret))
      problems.push(`${name}: ${variable}=${file} is not a secret it mounts`);
    else if (!isRecord(composeSecrets[secret])) problems.push(`${name}: secret ${secret} is not defined`);
  };
  const environment = isRecord(service.environment) ? service.environment : {};
  for (const [key, value] of Object.entries(environment)) {
    if (value === null || value === undefined) continue; // passed through from the shell when set
    env[key] = interpolate(String(value));
  }
  for (const variable of entrypointFileVariables()) {
    const file = env[`${variable}_FILE`];
    if (file === undefined) continue;
    secretFile(`${variable}_FILE`, file);
    delete env[`${variable}_FILE`];
    env[variable] = secretStandIns[variable] ?? '';
  }
  for (const key of ['GATEWAY_SIGNING_KEY_FILE', 'GATEWAY_JWKS_FILE']) {
    const file = env[key];
    if (file !== undefined && configSchemas[commandOf(service)]?.shape[key]) secretFile(key, file);
  }
  return { env, problems };
}

describe('compose.yaml', () => {
  it('passes dclint: the Compose schema and every rule, warnings included', () => {
    const result = spawnSync(
      'pnpm',
      ['exec', 'dclint', '--max-warnings', '0', '-f', 'json', 'infra/compose.yaml'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    const [report] = JSON.parse(result.stdout);
    expect(report.messages).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('is checked against the schema for real: dclint refuses a file that breaks it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'samsyn-compose-'));
    const file = path.join(dir, 'compose.yaml');
    await writeFile(
      file,
      'services:\n  a:\n    image: a:1\n    depends_on:\n      b:\n        condition: when_ready\n',
    );
    const result = spawnSync('pnpm', ['exec', 'dclint', '-f', 'json', file], { cwd: root, encoding: 'utf8' });
    await rm(dir, { recursive: true, force: true });
    expect(result.status).not.toBe(0);
    expect(JSON.parse(result.stdout)[0].messages.map((m: { rule: string }) => m.rule)).toContain(
      'invalid-schema',
    );
  });

  it('runs every process the image has, all from the one image', () => {
    expect([...new Set(processServices.map(([, s]) => commandOf(s)))].sort()).toEqual([...commands].sort());
    const images = new Set(processServices.map(([, s]) => s.image));
    expect(images.size).toBe(1);
    const [image] = [...images];
    expect(interpolate(String(image))).toMatch(/:[\w.-]+$/);
    expect(interpolate(String(image))).not.toMatch(/:latest$/);
    for (const [name, service] of processServices) {
      expect(strings(service.command), name).toHaveLength(1);
    }
    const builders = processServices.filter(([, s]) => s.build !== undefined);
    expect(builders).toHaveLength(1);
    const build = builders[0]?.[1].build;
    expect(isRecord(build) ? build.dockerfile : undefined).toBe('infra/container/Dockerfile');
  });

  it('starts in order: databases healthy, then the migration done, then the processes', () => {
    const dependencies = (service: Record<string, unknown>) =>
      isRecord(service.depends_on) ? service.depends_on : {};
    const condition = (service: Record<string, unknown>, on: string) => {
      const entry = dependencies(service)[on];
      return isRecord(entry) ? entry.condition : undefined;
    };
    for (const [name, service] of processServices) {
      const command = commandOf(service);
      expect(condition(service, 'postgres'), name).toBe('service_healthy');
      if (command === 'migrate') continue;
      expect(condition(service, 'migrate'), name).toBe('service_completed_successfully');
      expect(condition(service, 'redis'), name).toBe('service_healthy');
    }
    for (const service of Object.values(composeServices)) {
      for (const [on, entry] of Object.entries(dependencies(service))) {
        expect(composeServices[on], `depends on ${on}`).toBeDefined();
        if (isRecord(entry) && entry.condition === 'service_healthy') {
          expect(composeServices[on]?.healthcheck, `${on} needs a healthcheck`).toBeDefined();
        }
        if (isRecord(entry) && entry.condition === 'service_completed_successfully') {
          expect(composeServices[on]?.restart, `${on} must not restart`).toBe('no');
        }
      }
    }
  });

  it('runs Redis with the eviction policy BullMQ needs', () => {
    const redis = Object.values(composeServices).find((s) => String(s.image).startsWith('redis:'));
    expect(strings(redis?.command).join(' ')).toMatch(/--maxmemory-policy noeviction/);
  });

  it('gives each process the configuration its schema requires, secrets as mounted files', () => {
    for (const [name, service] of processServices) {
      const { env, problems } = composeEnv(name, service);
      expect([...problems, ...configProblems(commandOf(service), env)], name).toEqual([]);
    }
  });

  it('checks health and publishes ports where each process listens', () => {
    for (const [name, service] of processServices) {
      const command = commandOf(service);
      if (command === 'migrate') continue;
      const port = listenPort(command, composeEnv(name, service).env);
      const healthcheck = isRecord(service.healthcheck) ? strings(service.healthcheck.test).join(' ') : '';
      expect(healthcheck, name).toContain(`:${port}/readyz`);
      for (const published of Array.isArray(service.ports) ? service.ports : []) {
        const target = isRecord(published) ? published.target : String(published).split(':').at(-1);
        expect(String(target), name).toBe(String(port));
      }
    }
  });
});

// --- Kubernetes ---------------------------------------------------------------------------------

const validators: Record<string, (raw: Record<string, unknown>) => void> = {
  'v1/Namespace': (raw) => new Namespace(raw as never).validate(),
  'v1/ServiceAccount': (raw) => new ServiceAccount(raw as never).validate(),
  'v1/ConfigMap': (raw) => new ConfigMap(raw as never).validate(),
  'v1/Secret': (raw) => new Secret(raw as never).validate(),
  'v1/Service': (raw) => new Service(raw as never).validate(),
  'apps/v1/Deployment': (raw) => new Deployment(raw as never).validate(),
  'batch/v1/Job': (raw) => new Job(raw as never).validate(),
  'autoscaling/v2/HorizontalPodAutoscaler': (raw) => new HorizontalPodAutoscaler(raw as never).validate(),
  'policy/v1/PodDisruptionBudget': (raw) => new PodDisruptionBudget(raw as never).validate(),
  'networking.k8s.io/v1/NetworkPolicy': (raw) => new NetworkPolicy(raw as never).validate(),
};

const k8sFiles = yamlFilesUnder('infra/k8s');
const k8sDocs = k8sFiles.flatMap((file) =>
  parseYamlDocuments(readText(file), file).map((doc) => ({ file, doc: isRecord(doc) ? doc : {} })),
);
const kustomizations = k8sDocs.filter(({ doc }) => doc.kind === 'Kustomization');
const records = k8sDocs.filter(({ doc }) => doc.kind !== 'Kustomization').map(({ doc }) => doc);
// Typed views through the models' type guards, which narrow from unknown.
const objects: unknown[] = records;
const namespaceName = objects.find(Namespace.is)?.metadata?.name;
const deployments = objects.filter(Deployment.is);
const jobs = objects.filter(Job.is);
const services = objects.filter(Service.is);
const autoscalers = objects.filter(HorizontalPodAutoscaler.is);
const budgets = objects.filter(PodDisruptionBudget.is);
const policies = objects.filter(NetworkPolicy.is);
const configMaps = objects.filter(ConfigMap.is);
const secrets = objects.filter(Secret.is);

interface Workload {
  kind: string;
  name: string;
  template: IPodTemplateSpec;
}
const workloads: Workload[] = [
  ...deployments.map((d: IDeployment) => ({
    kind: 'Deployment',
    name: d.metadata?.name ?? '',
    template: d.spec?.template ?? {},
  })),
  ...jobs.map((j: IJob) => ({ kind: 'Job', name: j.metadata?.name ?? '', template: j.spec?.template ?? {} })),
];

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}
function selects(selector: Selector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    if (e.operator === 'In') return value !== undefined && (e.values ?? []).includes(value);
    if (e.operator === 'NotIn') return value === undefined || !(e.values ?? []).includes(value);
    if (e.operator === 'Exists') return value !== undefined;
    return value === undefined;
  });
  return byLabels && byExpressions;
}
const podLabels = (w: Workload) => w.template.metadata?.labels ?? {};
const workloadSelectedBy = (selector: Selector | undefined) =>
  workloads.filter((w) => w.kind === 'Deployment' && selects(selector, podLabels(w)));

function containerPort(container: IContainer, port: number | string | undefined): number | undefined {
  return (container.ports ?? []).find(
    (p) => p.containerPort === port || (p.name !== undefined && p.name === port),
  )?.containerPort;
}

/** A container's environment as Kubernetes would assemble it, Secret values replaced by stand-ins. */
function podEnv(container: IContainer): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = { ...imageEnv };
  const problems: string[] = [];
  const secretValue = (secretName: string, key: string, variable: string, optional: boolean) => {
    const secret = secrets.find((s) => s.metadata?.name === secretName);
    const has = secret !== undefined && key in { ...secret.stringData, ...secret.data };
    if (!has) {
      if (!optional)
        problems.push(`${variable}: key ${key} of Secret ${secretName} is not in secrets.example.yaml`);
      return undefined;
    }
    const standIn = secretStandIns[key] ?? secretStandIns[variable];
    if (standIn === undefined) problems.push(`${variable}: no stand-in value for Secret key ${key}`);
    return standIn;
  };
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const map = configMaps.find((m) => m.metadata?.name === source.configMapRef?.name);
      if (!map) problems.push(`ConfigMap ${source.configMapRef.name} does not exist`);
      Object.assign(env, map?.data ?? {});
    }
    if (source.secretRef) problems.push('envFrom a Secret: name each key instead, so this test can check it');
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    let value: string | undefined = variable.value;
    if (from?.secretKeyRef) {
      value = secretValue(
        from.secretKeyRef.name ?? '',
        from.secretKeyRef.key,
        variable.name,
        from.secretKeyRef.optional === true,
      );
    } else if (from?.configMapKeyRef) {
      value = configMaps.find((m) => m.metadata?.name === from.configMapKeyRef?.name)?.data?.[
        from.configMapKeyRef.key
      ];
      if (value === undefined)
        problems.push(`${variable.name}: ConfigMap key ${from.configMapKeyRef.key} does not exist`);
    }
    if (value !== undefined) env[variable.name] = value;
  }
  return { env, problems };
}

const commandOfContainer = (c: IContainer) => [...(c.command ?? []), ...(c.args ?? [])][0] ?? '';

describe('Kubernetes manifests', () => {
  it('validate against the Kubernetes API schemas', () => {
    expect(records.length).toBeGreaterThan(0);
    for (const doc of records) {
      const validate = validators[`${String(doc.apiVersion)}/${String(doc.kind)}`];
      expect(validate, `no validator for ${String(doc.apiVersion)} ${String(doc.kind)}`).toBeDefined();
      expect(
        () => validate?.(doc),
        `${String(doc.kind)} ${isRecord(doc.metadata) ? doc.metadata.name : ''}`,
      ).not.toThrow();
    }
  });

  it('put every object in the one namespace', () => {
    expect(namespaceName).toBeTruthy();
    for (const doc of records) {
      if (doc.kind === 'Namespace') continue;
      expect(isRecord(doc.metadata) ? doc.metadata.namespace : undefined, String(doc.kind)).toBe(
        namespaceName,
      );
    }
  });

  it('run the gateway and the dispatcher, each on a valid command of the image', () => {
    const run = deployments.flatMap((d) => (d.spec?.template.spec?.containers ?? []).map(commandOfContainer));
    expect(run).toEqual(expect.arrayContaining(['gateway', 'dispatcher']));
    for (const w of workloads) {
      for (const c of w.template.spec?.containers ?? [])
        expect(commands, w.name).toContain(commandOfContainer(c));
    }
  });

  it('give every Deployment readiness and liveness probes on a port its container exposes, where the process listens', () => {
    for (const d of deployments) {
      for (const c of d.spec?.template.spec?.containers ?? []) {
        const name = `${d.metadata?.name}/${c.name}`;
        expect(c.readinessProbe?.httpGet?.path, name).toBe('/readyz');
        expect(c.livenessProbe?.httpGet?.path, name).toBe('/healthz');
        for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
          if (probe) expect(containerPort(c, probe.httpGet?.port), `${name} probe port`).toBeDefined();
        }
        const port = listenPort(commandOfContainer(c), podEnv(c).env);
        expect(containerPort(c, port), `${name} listens on ${port}`).toBe(port);
      }
    }
  });

  it('set resource requests and limits and the restricted security context on every pod', () => {
    for (const w of workloads) {
      const pod = w.template.spec;
      for (const c of pod?.containers ?? []) {
        const name = `${w.name}/${c.name}`;
        for (const kind of ['requests', 'limits'] as const) {
          expect(c.resources?.[kind]?.cpu, `${name} ${kind}.cpu`).toBeDefined();
          expect(c.resources?.[kind]?.memory, `${name} ${kind}.memory`).toBeDefined();
        }
        const security = { ...pod?.securityContext, ...c.securityContext };
        expect(security.runAsNonRoot, name).toBe(true);
        expect(security.runAsUser ?? 1, name).toBeGreaterThan(0);
        expect(c.securityContext?.allowPrivilegeEscalation, name).toBe(false);
        expect(c.securityContext?.readOnlyRootFilesystem, name).toBe(true);
        expect(c.securityContext?.capabilities?.drop, name).toContain('ALL');
        expect(c.securityContext?.capabilities?.add ?? [], name).toEqual([]);
        expect(security.seccompProfile?.type, name).toBe('RuntimeDefault');
        expect(c.image, name).toMatch(/:[\w.-]+$/);
        expect(c.image, name).not.toMatch(/:latest$/);
      }
      expect(pod?.automountServiceAccountToken, w.name).toBe(false);
    }
  });

  it('give every container the configuration its schema requires, and the key files it reads', () => {
    for (const w of workloads) {
      const pod = w.template.spec;
      for (const c of pod?.containers ?? []) {
        const command = commandOfContainer(c);
        const { env, problems } = podEnv(c);
        for (const key of ['GATEWAY_SIGNING_KEY_FILE', 'GATEWAY_JWKS_FILE']) {
          const file = env[key];
          if (file === undefined || !configSchemas[command]?.shape[key]) continue;
          const mount = (c.volumeMounts ?? []).find((m) => path.posix.dirname(file) === m.mountPath);
          const volume = pod?.volumes?.find((v) => v.name === mount?.name);
          const secret = secrets.find((s) => s.metadata?.name === volume?.secret?.secretName);
          const files = volume?.secret?.items
            ? volume.secret.items.map((i) => i.path)
            : Object.keys({ ...secret?.stringData, ...secret?.data });
          if (!files.includes(path.posix.basename(file)))
            problems.push(`${key}=${file} is not in a mounted Secret`);
        }
        expect([...problems, ...configProblems(command, env)], `${w.name}/${c.name}`).toEqual([]);
      }
    }
  });

  it('mount only volumes the pod defines', () => {
    for (const w of workloads) {
      const volumes = (w.template.spec?.volumes ?? []).map((v) => v.name);
      for (const c of w.template.spec?.containers ?? []) {
        for (const m of c.volumeMounts ?? []) expect(volumes, `${w.name} mounts ${m.name}`).toContain(m.name);
      }
    }
  });

  it('select each Deployment’s own pods, and spread them over zones and nodes', () => {
    for (const d of deployments) {
      const labels = d.spec?.template.metadata?.labels ?? {};
      expect(selects(d.spec?.selector, labels), d.metadata?.name).toBe(true);
      const spread = d.spec?.template.spec?.topologySpreadConstraints ?? [];
      expect(spread.map((s) => s.topologyKey).sort(), d.metadata?.name).toEqual([
        'kubernetes.io/hostname',
        'topology.kubernetes.io/zone',
      ]);
      for (const s of spread) expect(selects(s.labelSelector, labels), d.metadata?.name).toBe(true);
    }
  });

  it('autoscale every Deployment (HPA v2) without a replica count that apply would reset', () => {
    for (const hpa of autoscalers) {
      const target = deployments.find(
        (d) =>
          hpa.spec?.scaleTargetRef.kind === 'Deployment' && d.metadata?.name === hpa.spec.scaleTargetRef.name,
      );
      expect(target, `${hpa.metadata?.name} targets ${hpa.spec?.scaleTargetRef.name}`).toBeDefined();
      expect(target?.spec?.replicas, `${target?.metadata?.name} sets replicas`).toBeUndefined();
      expect(hpa.spec?.minReplicas ?? 1).toBeGreaterThanOrEqual(2);
    }
    for (const d of deployments) {
      expect(
        autoscalers.some((h) => h.spec?.scaleTargetRef.name === d.metadata?.name),
        `${d.metadata?.name} has no HorizontalPodAutoscaler`,
      ).toBe(true);
    }
  });

  it('give every Deployment a disruption budget that still lets a node drain', () => {
    for (const d of deployments) {
      const labels = d.spec?.template.metadata?.labels ?? {};
      const budget = budgets.find((b) => selects(b.spec?.selector, labels));
      expect(budget, `${d.metadata?.name} has no PodDisruptionBudget`).toBeDefined();
      const minReplicas = autoscalers.find((h) => h.spec?.scaleTargetRef.name === d.metadata?.name)?.spec
        ?.minReplicas;
      const minAvailable = budget?.spec?.minAvailable;
      if (typeof minAvailable === 'number') expect(minAvailable).toBeLessThan(minReplicas ?? 1);
    }
    for (const b of budgets) expect(workloadSelectedBy(b.spec?.selector), b.metadata?.name).not.toEqual([]);
  });

  it('route each Service to a Deployment’s pods, on a port the container exposes', () => {
    for (const s of services) {
      const [target] = workloadSelectedBy(s.spec?.selector ? { matchLabels: s.spec.selector } : undefined);
      expect(target, `${s.metadata?.name} selects no Deployment`).toBeDefined();
      for (const port of s.spec?.ports ?? []) {
        const exposed = (target?.template.spec?.containers ?? []).some(
          (c) => containerPort(c, port.targetPort ?? port.port) !== undefined,
        );
        expect(exposed, `${s.metadata?.name} port ${port.name}`).toBe(true);
      }
    }
  });

  it('deny all traffic by default and allow each workload exactly what it needs', () => {
    const defaultDeny = policies.find(
      (p) =>
        Object.keys(p.spec?.podSelector ?? {}).length === 0 &&
        (p.spec?.policyTypes ?? []).includes('Ingress') &&
        (p.spec?.policyTypes ?? []).includes('Egress') &&
        !p.spec?.ingress &&
        !p.spec?.egress,
    );
    expect(defaultDeny, 'a default-deny NetworkPolicy').toBeDefined();

    const allowed = (w: Workload, direction: 'ingress' | 'egress') =>
      policies
        .filter((p) => selects(p.spec?.podSelector, podLabels(w)))
        .flatMap((p) => p.spec?.[direction] ?? [])
        .flatMap((rule) =>
          (rule.ports ?? [{ port: '*' }]).map((p) => `${p.protocol ?? 'TCP'}/${p.port ?? '*'}`),
        );
    const needs: Record<string, string[]> = {
      gateway: ['UDP/53', 'TCP/5432', 'TCP/6379', 'TCP/443'],
      dispatcher: ['UDP/53', 'TCP/5432', 'TCP/6379', 'TCP/443'],
      migrate: ['UDP/53', 'TCP/5432'],
    };
    for (const w of workloads) {
      const command = commandOfContainer(w.template.spec?.containers[0] ?? { name: '' });
      expect(allowed(w, 'egress'), `${w.name} egress`).toEqual(expect.arrayContaining(needs[command] ?? []));
    }
    const gateway = workloads.find(
      (w) =>
        w.kind === 'Deployment' &&
        commandOfContainer(w.template.spec?.containers[0] ?? { name: '' }) === 'gateway',
    );
    const gatewayContainer = gateway?.template.spec?.containers[0];
    const reachable = (gateway ? allowed(gateway, 'ingress') : []).filter((entry) => {
      const port = entry.replace(/^TCP\//, '');
      return gatewayContainer && containerPort(gatewayContainer, /^\d+$/.test(port) ? Number(port) : port);
    });
    expect(reachable, 'ingress to the gateway’s port').not.toEqual([]);
  });

  it('run the migration as a Job of the migrate command that is never restarted in place', () => {
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    const containers = job?.spec?.template.spec?.containers ?? [];
    expect(containers.map(commandOfContainer)).toEqual(['migrate']);
    expect(job?.spec?.template.spec?.restartPolicy).toBe('Never');
    expect(job?.spec?.parallelism ?? 1).toBe(1);
    const deploymentImages = new Set(
      deployments.flatMap((d) => (d.spec?.template.spec?.containers ?? []).map((c) => c.image)),
    );
    expect(deploymentImages.size).toBe(1);
    expect(deploymentImages.has(containers[0]?.image)).toBe(true);
  });

  it('ship the Secrets as placeholders only, outside every kustomization', () => {
    for (const s of secrets) {
      for (const [key, value] of Object.entries({ ...s.stringData, ...s.data })) {
        expect(value, `${s.metadata?.name}.${key}`).toContain('CHANGE_ME');
      }
    }
    const listed = kustomizations.flatMap(({ file, doc }) =>
      strings(doc.resources).map((r) => path.posix.join(path.posix.dirname(file), r)),
    );
    const secretFiles = k8sDocs.filter(({ doc }) => doc.kind === 'Secret').map(({ file }) => file);
    for (const file of secretFiles) expect(listed).not.toContain(file);
    // Every other manifest is applied through a kustomization, so nothing is forgotten.
    const manifests = new Set(
      k8sDocs.filter(({ doc }) => doc.kind !== 'Kustomization').map(({ file }) => file),
    );
    for (const file of manifests) if (!secretFiles.includes(file)) expect(listed, file).toContain(file);
    for (const file of listed) expect(k8sFiles).toContain(file);
  });

  it('set one tagged image in every kustomization, for the name the manifests use', () => {
    const names = new Set(
      workloads.flatMap((w) => (w.template.spec?.containers ?? []).map((c) => (c.image ?? '').split(':')[0])),
    );
    const tags = new Set<string>();
    for (const { file, doc } of kustomizations) {
      expect(doc.namespace, file).toBe(namespaceName);
      const images = Array.isArray(doc.images) ? doc.images.filter(isRecord) : [];
      expect(new Set(images.map((i) => i.name)), file).toEqual(names);
      for (const image of images) {
        expect(String(image.newTag), file).not.toBe('latest');
        tags.add(`${String(image.newName)}:${String(image.newTag)}`);
      }
    }
    expect(tags.size, 'the Job and the Deployments run the same image').toBe(1);
  });
});
