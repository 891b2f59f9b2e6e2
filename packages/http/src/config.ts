import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses the environment once, at start. A bad value stops the process with a message that names the
 * variable; nothing reads `process.env` after this.
 */
export function parseConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`,
  );
  throw new ConfigError(`invalid configuration\n  ${lines.join('\n  ')}`);
}

const port = z.coerce.number().int().min(0).max(65535);

/** OpenTelemetry's own variables, read by every process that traces (see tracing.ts). */
export const tracingConfigFields = {
  /** The collector's base URL for OTLP over HTTP; `/v1/traces` is appended. Unset, nothing is traced. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  /**
   * Headers for every export, `name=value` pairs separated by commas, values percent-encoded (the
   * OpenTelemetry format): how a hosted collector takes its API key.
   */
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .transform((value, ctx) => {
      const headers: Record<string, string> = {};
      for (const pair of value.split(',')) {
        if (pair.trim() === '') continue;
        const at = pair.indexOf('=');
        const name = pair.slice(0, at).trim();
        let decoded: string | undefined;
        try {
          decoded = decodeURIComponent(pair.slice(at + 1).trim());
        } catch {
          decoded = undefined;
        }
        if (at <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || decoded === undefined) {
          // The value may be a secret: the message names the variable, never the text.
          ctx.addIssue({ code: 'custom', message: 'must be name=value pairs separated by commas' });
          return z.NEVER;
        }
        headers[name.toLowerCase()] = decoded;
      }
      return headers;
    })
    .optional(),
  /** Overrides the process's own name (samsyn-gateway, samsyn-dispatcher, …) in traces. */
  OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),
};

/** Variables every HTTP service reads. */
export const serviceConfigFields = {
  PORT: port.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' })
    .default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().min(1).max(50).default('samsyn:'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  PUBLIC_URL: z.url().optional(),
  /** The gateway's public keys (a JWKS file), for verifying access tokens. */
  GATEWAY_JWKS_FILE: z.string().min(1).default('.data/keys/gateway.jwks.json'),
  PARTY_REFRESH_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  /** After SIGTERM, serve this long with /readyz at 503 before closing the listener. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(1000),
  /** Requests a minute per party (per person for citizens) unless the registry sets the party's own. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(6000),
  /** Secret for the keyed hash that names persons (HMAC-SHA256); losing it orphans every stored person. */
  PERSON_KEY_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** AES-256-GCM key (32 bytes, base64url) sealing the personnummer kept for hand-back to a party. */
  PERSON_ENCRYPTION_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64url').length === 32, 'must be 32 bytes, base64url-encoded'),
  /** Published follow-up cells below this many people are suppressed (Swedish official statistics: 5). */
  METRICS_SUPPRESSION_THRESHOLD: z.coerce.number().int().min(2).max(100).default(5),
  /** The gateway's private signing key (a JWK file): signs access tokens and consent receipts. */
  GATEWAY_SIGNING_KEY_FILE: z.string().min(1).default('.data/keys/gateway.private.jwk.json'),
  ...tracingConfigFields,
};

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Where webhooks may go; both are for development and tests only (local receivers). */
export const webhookPolicyFields = {
  WEBHOOK_ALLOW_HTTP: flag.default(false),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: flag.default(false),
};

export const serviceConfigSchema = z.object(serviceConfigFields);
export type ServiceConfig = z.infer<typeof serviceConfigSchema>;

export function publicUrlOf(config: Pick<ServiceConfig, 'PUBLIC_URL' | 'PORT'>): string {
  return (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
}

/** For a process entry point: the parsed config, or one message on stderr naming the bad variables and exit 1. */
export function configOrExit<S extends z.ZodObject>(
  processName: string,
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${processName}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
