import {
  AccessTokenVerifier,
  generatePersonEncryptionKey,
  generateSigningJwk,
  loadSigningKey,
  PersonVault,
  ReplayGuard,
} from '@samsyn/auth';
import * as consent from '@samsyn/consent';
import * as consultation from '@samsyn/consultation';
import { createDatabase } from '@samsyn/db';
import * as exchange from '@samsyn/exchange';
import { createApp as createGateway } from '@samsyn/gateway';
import { createHost, createLogger, openApiDocument, type ServiceDefinition } from '@samsyn/http';
import * as metrics from '@samsyn/metrics';
import * as signals from '@samsyn/signals-service';
import * as sip from '@samsyn/sip';
import { Redis } from 'ioredis';

const publicUrl = 'http://localhost:8080';

/**
 * Builds every app as it runs, without connecting anything (postgres.js and ioredis connect lazily),
 * and returns its OpenAPI document keyed by file name.
 */
export async function buildOpenApiDocuments(): Promise<Record<string, unknown>> {
  const logger = createLogger({ name: 'openapi', level: 'silent' });
  const database = createDatabase({ url: 'postgres://unused@127.0.0.1:1/unused' });
  const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true });
  const signingKey = await loadSigningKey(await generateSigningJwk());
  const replay = new ReplayGuard(redis, 'openapi:');
  const verifier = new AccessTokenVerifier({
    issuer: publicUrl,
    jwks: { keys: [signingKey.publicJwk] },
    isRevoked: () => false,
  });
  const persons = new PersonVault({
    hmacSecret: 'x'.repeat(32),
    encryptionKey: generatePersonEncryptionKey(),
  });
  const receipts = { signingKey, issuer: publicUrl };
  const gateway = createGateway({
    db: database.db,
    logger,
    replay,
    auth: { verifier, replay, publicUrl },
    readiness: {},
    signingKey,
    publicUrl,
    personKeySecret: 'x'.repeat(32),
    persons,
    accessTokenTtlSeconds: 300,
    bodyLimitBytes: 1024 * 1024,
    webhookPolicy: { allowHttp: false, allowPrivateNetworks: false },
    suppressionThreshold: 5,
  });
  const documents: Record<string, unknown> = {
    gateway: openApiDocument(gateway, {
      name: 'Samsyn',
      version: '0.1.0',
      description: 'The gateway: every Samsyn service on one port.',
      publicUrl,
    }),
  };
  const services: Array<[string, ServiceDefinition]> = [
    [
      'exchange',
      { name: exchange.serviceName, description: exchange.serviceDescription, createApp: exchange.createApp },
    ],
    [
      'consent',
      { name: consent.serviceName, description: consent.serviceDescription, createApp: consent.createApp },
    ],
    ['sip', { name: sip.serviceName, description: sip.serviceDescription, createApp: sip.createApp }],
    [
      'consultation',
      {
        name: consultation.serviceName,
        description: consultation.serviceDescription,
        createApp: consultation.createApp,
      },
    ],
    [
      'metrics',
      { name: metrics.serviceName, description: metrics.serviceDescription, createApp: metrics.createApp },
    ],
    [
      'signals',
      { name: signals.serviceName, description: signals.serviceDescription, createApp: signals.createApp },
    ],
  ];
  for (const [file, service] of services) {
    const host = createHost(
      {
        name: service.name,
        version: '0.1.0',
        description: service.description,
        logger,
        bodyLimitBytes: 1,
        readiness: {},
      },
      (app) =>
        app.route(
          '/',
          service.createApp({ db: database.db, logger, persons, receipts, suppressionThreshold: 5 }),
        ),
    );
    documents[file] = openApiDocument(host, { ...service, version: '0.1.0', publicUrl });
  }
  await database.close();
  redis.disconnect();
  return documents;
}
