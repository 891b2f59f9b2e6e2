import { randomUUID } from 'node:crypto';
import { generateSigningJwk, issueAccessToken, loadSigningKey, type SigningKey } from '@samsyn/auth';
import { type PartyKind, type Scope, scopesByPartyKind } from '@samsyn/domain';
import {
  connectPlatform,
  createHost,
  createLogger,
  parseConfig,
  type ServiceDefinition,
  type ServiceDeps,
  serviceConfigSchema,
} from '@samsyn/http';
import { createTestDatabase, type TestDatabase } from './database';
import { testEnv } from './env';
import { captureLogs } from './logs';
import { createTestParty, type TestParty } from './parties';
import { startServer } from './server';
import { testPersonSecrets, testPersonVault } from './vault';

export interface TestService {
  url: string;
  database: TestDatabase;
  signingKey: SigningKey;
  logs: ReturnType<typeof captureLogs>;
  deps: ServiceDeps;
  /** Registers a fresh party of this kind (fk and af exist once, so those are shared). */
  party: (kind: PartyKind) => Promise<TestParty>;
  /** An access token for the party, as the gateway would issue it (every scope its kind may have by default). */
  tokenFor: (
    party: Pick<TestParty, 'id' | 'kind'>,
    options?: { scopes?: readonly Scope[]; officer?: string },
  ) => Promise<string>;
  /** A JSON request with the party's token. */
  call: (
    party: Pick<TestParty, 'id' | 'kind'>,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<Response>;
  close: () => Promise<void>;
}

/**
 * One service hosted alone over real HTTP, on a fresh database and a Redis prefix of its own, with
 * its logs captured. Tokens are minted with a test gateway key the host trusts.
 */
export async function startTestService(service: ServiceDefinition): Promise<TestService> {
  const database = await createTestDatabase();
  const logs = captureLogs();
  const logger = createLogger({ name: service.name, level: 'info', destination: logs.stream });
  const signingKey = await loadSigningKey(await generateSigningJwk());
  const issuer = 'http://samsyn.test';
  const config = parseConfig(serviceConfigSchema, {
    DATABASE_URL: database.url,
    REDIS_URL: testEnv.redisUrl,
    REDIS_PREFIX: `samsyn-test:${randomUUID()}:`,
    PUBLIC_URL: issuer,
    RATE_LIMIT_PER_MINUTE: '1000000',
    PERSON_KEY_SECRET: testPersonSecrets.hmacSecret,
    PERSON_ENCRYPTION_KEY: testPersonSecrets.encryptionKey,
  });
  const platform = await connectPlatform(config, logger, { keys: [signingKey.publicJwk] });
  const deps: ServiceDeps = {
    db: database.db,
    logger,
    persons: testPersonVault(),
    receipts: { signingKey, issuer },
    suppressionThreshold: config.METRICS_SUPPRESSION_THRESHOLD,
    accessTokens: platform.auth.verifier,
  };
  const app = createHost(
    {
      name: service.name,
      version: '0.0.0',
      description: service.description,
      logger,
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      readiness: platform.readiness,
      auth: platform.auth,
      publicUrl: issuer,
      nonJsonPaths: [...(service.formPaths ?? [])],
    },
    (host) => host.route('/', service.createApp(deps)),
  );
  const server = await startServer(app);
  // fk and af are one party each: every test in the file shares the same one.
  const singletons = new Map<PartyKind, Promise<TestParty>>();
  const party = (kind: PartyKind) => {
    if (kind !== 'fk' && kind !== 'af') return createTestParty(database.db, kind);
    const existing = singletons.get(kind) ?? createTestParty(database.db, kind);
    singletons.set(kind, existing);
    return existing;
  };
  const tokenFor: TestService['tokenFor'] = async (party, options = {}) => {
    const { token } = await issueAccessToken(
      { issuer, signingKey, lifetimeSeconds: 300 },
      {
        kind: 'agency',
        partyId: party.id,
        partyKind: party.kind,
        officerId: options.officer ?? 'officer-1',
        scopes: options.scopes ?? scopesByPartyKind[party.kind],
      },
    );
    return token;
  };
  return {
    url: server.url,
    database,
    signingKey,
    logs,
    deps,
    party,
    tokenFor,
    call: async (party, method, path, body, headers = {}) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await tokenFor(party)}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    close: async () => {
      await server.close();
      await platform.close();
      await database.close();
    },
  };
}
