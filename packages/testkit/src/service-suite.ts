import { randomUUID } from 'node:crypto';
import { generateSigningJwk, loadSigningKey } from '@samsyn/auth';
import {
  connectPlatform,
  createHost,
  createLogger,
  parseConfig,
  type ServiceDefinition,
  serviceConfigSchema,
} from '@samsyn/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './database';
import { testEnv } from './env';
import { startServer } from './server';
import { testPersonSecrets, testPersonVault } from './vault';

/**
 * The suite every service passes when it runs alone: it starts on a real database and Redis, reports
 * ready, guards `/v1` with access tokens, and describes itself in OpenAPI.
 */
export function describeServiceHost(service: ServiceDefinition) {
  describe(`${service.name} hosted alone`, () => {
    let url = '';
    let close = async () => {};

    beforeAll(async () => {
      const database = await createTestDatabase();
      const logger = createLogger({ name: service.name, level: 'silent' });
      const signingKey = await loadSigningKey(await generateSigningJwk());
      const config = parseConfig(serviceConfigSchema, {
        DATABASE_URL: database.url,
        REDIS_URL: testEnv.redisUrl,
        REDIS_PREFIX: `samsyn-test:${randomUUID()}:`,
        PERSON_KEY_SECRET: testPersonSecrets.hmacSecret,
        PERSON_ENCRYPTION_KEY: testPersonSecrets.encryptionKey,
      });
      const platform = await connectPlatform(config, logger, { keys: [signingKey.publicJwk] });
      const app = createHost(
        {
          name: service.name,
          version: '0.0.0',
          description: service.description,
          logger,
          bodyLimitBytes: config.BODY_LIMIT_BYTES,
          readiness: platform.readiness,
          auth: platform.auth,
        },
        (host) =>
          host.route(
            '/',
            service.createApp({
              db: database.db,
              logger,
              persons: testPersonVault(),
              receipts: { signingKey, issuer: 'http://localhost' },
              suppressionThreshold: 5,
            }),
          ),
      );
      const server = await startServer(app);
      url = server.url;
      close = async () => {
        await server.close();
        await platform.close();
        await database.close();
      };
    });
    afterAll(() => close());

    it('is ready when PostgreSQL and Redis answer', async () => {
      const response = await fetch(`${url}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
    });

    it('refuses /v1 without an access token', async () => {
      const response = await fetch(`${url}/v1/anything`);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    });

    it('describes itself in OpenAPI 3.1', async () => {
      const document = (await (await fetch(`${url}/openapi.json`)).json()) as {
        openapi: string;
        info: { title: string };
      };
      expect(document.openapi).toBe('3.1.0');
      expect(document.info.title).toBe(service.name);
    });
  });
}
