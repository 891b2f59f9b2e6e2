import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatewayConfigSchema } from '@samsyn/gateway';
import { serviceConfigFields, serviceConfigSchema } from '@samsyn/http';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { bundles } from '../../infra/build';
import { dispatcherConfigSchema } from '../../services/dispatcher/src/config';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const commands = bundles.map((b) => b.command);

export function readText(relative: string): string {
  return readFileSync(path.join(root, relative), 'utf8');
}

/**
 * The configuration schema each process parses at start, by its container command. infra/migrate.ts
 * runs on import, so its schema is restated here; the runtime test checks the bundle against it.
 */
export const configSchemas: Record<string, z.ZodObject> = {
  gateway: gatewayConfigSchema,
  dispatcher: dispatcherConfigSchema,
  exchange: serviceConfigSchema,
  consent: serviceConfigSchema,
  sip: serviceConfigSchema,
  consultation: serviceConfigSchema,
  metrics: serviceConfigSchema,
  signals: serviceConfigSchema,
  migrate: z.object({
    DATABASE_URL: serviceConfigFields.DATABASE_URL,
    LOG_LEVEL: serviceConfigFields.LOG_LEVEL,
  }),
};

/**
 * Keys the process cannot start without, plus those whose defaults only make sense on a developer's
 * machine: a loopback Redis and listen address, keys under `.data/keys`, an issuer on localhost.
 */
const machineDefaults = ['HOST', 'REDIS_URL', 'PUBLIC_URL', 'GATEWAY_SIGNING_KEY_FILE', 'GATEWAY_JWKS_FILE'];

export function keysToProvide(command: string): string[] {
  const schema = configSchemas[command];
  if (!schema) throw new Error(`no configuration schema for ${command}`);
  return Object.entries(schema.shape)
    .filter(([key, field]) => machineDefaults.includes(key) || !z.safeParse(field, undefined).success)
    .map(([key]) => key);
}

/** Valid stand-ins for values that a deployment takes from secrets, to parse the rest for real. */
export const secretStandIns: Record<string, string> = {
  DATABASE_URL: 'postgres://samsyn:secret@db.internal:5432/samsyn',
  REDIS_URL: 'redis://redis.internal:6379',
  PERSON_KEY_SECRET: 'p'.repeat(40),
  PERSON_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
  OPERATOR_USER: 'operator',
  OPERATOR_PASSWORD: 'operator-password',
};

/** The variables infra/container/entrypoint.sh reads from a file named by NAME_FILE. */
export function entrypointFileVariables(): string[] {
  const match = /^for name in ([A-Z_ ]+); do$/m.exec(readText('infra/container/entrypoint.sh'));
  if (!match?.[1]) throw new Error('entrypoint.sh: the NAME_FILE loop was not found');
  return match[1].trim().split(/\s+/);
}

/**
 * YAML that means the same under YAML 1.1 (Kubernetes' and older tools' parsers) and 1.2: an
 * unquoted `0440`, `yes` or `on` would not.
 */
export function parseYamlDocuments(text: string, file: string): unknown[] {
  const modern = parseAllDocuments(text, { merge: true });
  const legacy = parseAllDocuments(text, { merge: true, version: '1.1' });
  if (!Array.isArray(modern) || !Array.isArray(legacy)) throw new Error(`${file}: not a YAML stream`);
  const errors = modern.flatMap((doc) => doc.errors.map((e) => `${file}: ${e.message}`));
  if (errors.length > 0) throw new Error(errors.join('\n'));
  const values = modern.map((doc) => doc.toJS() as unknown).filter((value) => value !== null);
  const legacyValues = legacy.map((doc) => doc.toJS() as unknown).filter((value) => value !== null);
  if (JSON.stringify(values) !== JSON.stringify(legacyValues)) {
    throw new Error(
      `${file}: reads differently as YAML 1.1 and 1.2 (quote octal-looking numbers, yes/no/on/off)`,
    );
  }
  return values;
}

export function parseYaml(text: string, file: string): unknown {
  const [value, ...more] = parseYamlDocuments(text, file);
  if (more.length > 0) throw new Error(`${file}: one document expected`);
  return value;
}

export function yamlFilesUnder(relativeDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (/\.ya?ml$/.test(entry.name)) found.push(relative);
    }
  };
  walk(relativeDir);
  return found.sort();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
