import { randomUUID } from 'node:crypto';
import { generateSigningJwk, loadSigningKey, type PersonVault, type SigningKey } from '@samsyn/auth';
import { signAssertion } from '@samsyn/client';
import { createDatabase } from '@samsyn/db';
import {
  connectPlatform,
  createLogger,
  gatewayVerificationKeys,
  parseConfig,
  serviceConfigSchema,
} from '@samsyn/http';
import {
  captureLogs,
  createTestDatabase,
  startServer,
  type TestDatabase,
  type TestParty,
  testEnv,
  testPersonSecrets,
  testPersonVault,
} from '@samsyn/testkit';
import { createApp } from '../src/app';

export interface TestGateway {
  url: string;
  tokenEndpoint: string;
  database: TestDatabase;
  signingKey: SigningKey;
  persons: PersonVault;
  logs: ReturnType<typeof captureLogs>;
  /** POSTs a form to the token endpoint. */
  requestToken: (form: Record<string, string>, headers?: Record<string, string>) => Promise<Response>;
  /** Signs a normal assertion for `party` and returns the access token. */
  tokenFor: (party: TestParty, scope?: string, subject?: string) => Promise<string>;
  close: () => Promise<void>;
}

/** The real gateway app on a free port, against its own database and a Redis key prefix of its own. */
export async function startTestGateway(
  options: {
    webhookPolicy?: { allowHttp: boolean; allowPrivateNetworks: boolean };
    bodyLimitBytes?: number;
    /** Another Redis than the machine's, for fault tests that stop it. */
    redisUrl?: string;
    /** The default budget per party; tests that are not about rate limits get a large one. */
    rateLimitPerMinute?: number;
    /** A migrated database of the test's own server (fault tests restart it) instead of a fresh one here. */
    databaseUrl?: string;
    /** A GATEWAY_JWKS_FILE beside the signing key, as during a key rotation. */
    jwksFile?: string;
  } = {},
): Promise<TestGateway> {
  const database: TestDatabase = options.databaseUrl
    ? {
        ...createDatabase({ url: options.databaseUrl, maxConnections: 5, connectTimeoutSeconds: 2 }),
        url: options.databaseUrl,
        name: 'external',
      }
    : await createTestDatabase();
  const logs = captureLogs();
  const logger = createLogger({ name: 'gateway-test', level: 'info', destination: logs.stream });
  const signingKey = await loadSigningKey(await generateSigningJwk());
  let app: ReturnType<typeof createApp> | undefined;
  const server = await startServer({
    fetch: (request, env) => (app ? app.fetch(request, env) : new Response('starting', { status: 503 })),
  });
  const config = parseConfig(serviceConfigSchema, {
    DATABASE_URL: database.url,
    REDIS_URL: options.redisUrl ?? testEnv.redisUrl,
    RATE_LIMIT_PER_MINUTE: String(options.rateLimitPerMinute ?? 1_000_000),
    REDIS_PREFIX: `samsyn-test:${randomUUID()}:`,
    PARTY_REFRESH_MS: '100',
    PUBLIC_URL: server.url,
    BODY_LIMIT_BYTES: String(options.bodyLimitBytes ?? 4096),
    PERSON_KEY_SECRET: testPersonSecrets.hmacSecret,
    PERSON_ENCRYPTION_KEY: testPersonSecrets.encryptionKey,
  });
  const verificationKeys = options.jwksFile
    ? await gatewayVerificationKeys(signingKey.publicJwk, options.jwksFile)
    : { keys: [signingKey.publicJwk] };
  const platform = await connectPlatform(config, logger, verificationKeys);
  app = createApp({
    db: database.db,
    logger,
    replay: platform.replay,
    auth: platform.auth,
    readiness: platform.readiness,
    signingKey,
    verificationKeys: verificationKeys.keys,
    publicUrl: server.url,
    personKeySecret: testPersonSecrets.hmacSecret,
    persons: testPersonVault(),
    accessTokenTtlSeconds: 300,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    suppressionThreshold: config.METRICS_SUPPRESSION_THRESHOLD,
    webhookPolicy: options.webhookPolicy ?? { allowHttp: true, allowPrivateNetworks: true },
  });
  const tokenEndpoint = `${server.url}/oauth2/token`;
  const requestToken = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    });
  return {
    url: server.url,
    persons: testPersonVault(),
    tokenEndpoint,
    database,
    signingKey,
    logs,
    requestToken,
    tokenFor: async (party, scope = 'whoami', subject = 'officer-1') => {
      const assertion = await signAssertion({
        issuer: party.id,
        subject,
        audience: tokenEndpoint,
        privateJwk: party.privateJwk,
      });
      const response = await requestToken({ grant_type: jwtBearer, assertion, scope });
      const body = (await response.json()) as { access_token?: string; error_description?: string };
      if (!body.access_token) throw new Error(`no token: ${response.status} ${body.error_description}`);
      return body.access_token;
    },
    close: async () => {
      await server.close();
      await platform.close();
      await database.close();
    },
  };
}

export const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
