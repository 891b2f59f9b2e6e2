import type { PersonVault, ReplayGuard, SigningKey } from '@samsyn/auth';
import * as consent from '@samsyn/consent';
import * as consultation from '@samsyn/consultation';
import type { Db } from '@samsyn/db';
import * as exchange from '@samsyn/exchange';
import {
  type AuthenticateOptions,
  createHost,
  createRouter,
  createUnvalidatedRouter,
  type Logger,
  type ReadinessCheck,
} from '@samsyn/http';
import * as metrics from '@samsyn/metrics';
import * as signals from '@samsyn/signals-service';
import * as sip from '@samsyn/sip';
import type { JWK } from 'jose';
import { registerTokenRoute, tokenEndpointPath } from './routes/oauth2-token';
import { registerWebhookRegistrationRoute } from './routes/webhook-registrations';
import { registerWellKnownRoutes } from './routes/well-known';
import { registerWhoamiRoute } from './routes/whoami';

export interface GatewayDeps {
  db: Db;
  logger: Logger;
  replay: ReplayGuard;
  auth: AuthenticateOptions;
  readiness: Record<string, ReadinessCheck>;
  signingKey: SigningKey;
  /** What `/.well-known/jwks.json` publishes; the signing key's public half alone when absent. */
  verificationKeys?: JWK[];
  publicUrl: string;
  personKeySecret: string;
  persons: PersonVault;
  accessTokenTtlSeconds: number;
  bodyLimitBytes: number;
  webhookPolicy: { allowHttp: boolean; allowPrivateNetworks: boolean };
  suppressionThreshold: number;
  /** Benchmark-only routes: a constant route and the exchange without request validation. */
  benchRoutes?: boolean;
}

/**
 * The embedded default: every service's router on one port, plus the token endpoint. The gateway is
 * the composition root, the one place that imports services; services never import each other.
 */
export function createApp(deps: GatewayDeps) {
  const serviceDeps = {
    db: deps.db,
    logger: deps.logger,
    persons: deps.persons,
    receipts: { signingKey: deps.signingKey, issuer: deps.publicUrl },
    suppressionThreshold: deps.suppressionThreshold,
    accessTokens: deps.auth.verifier,
  };
  const tokenEndpoint = `${deps.publicUrl}${tokenEndpointPath}`;
  return createHost(
    {
      name: 'Samsyn',
      version: '0.1.0',
      description:
        'Samsyn is a consent-gated case-status exchange between kommun, region, Försäkringskassan and ' +
        'Arbetsförmedlingen, with SIP invitations, Finsam follow-up figures and consent audit.',
      logger: deps.logger,
      bodyLimitBytes: deps.bodyLimitBytes,
      readiness: deps.readiness,
      auth: deps.auth,
      nonJsonPaths: [tokenEndpointPath, ...metrics.formPaths],
      publicUrl: deps.publicUrl,
      benchRoutes: deps.benchRoutes ?? false,
    },
    (host) => {
      const own = createRouter();
      registerTokenRoute(own, {
        db: deps.db,
        replay: deps.replay,
        accessTokens: {
          issuer: deps.publicUrl,
          signingKey: deps.signingKey,
          lifetimeSeconds: deps.accessTokenTtlSeconds,
        },
        audiences: [tokenEndpoint, deps.publicUrl],
        tokenEndpoint,
        personKeySecret: deps.personKeySecret,
      });
      registerWellKnownRoutes(own, deps.verificationKeys ?? [deps.signingKey.publicJwk], deps.publicUrl);
      registerWhoamiRoute(own, deps.db);
      registerWebhookRegistrationRoute(own, { db: deps.db, policy: deps.webhookPolicy });
      host.route('/', own);
      for (const service of [exchange, consent, sip, consultation, metrics, signals])
        host.route('/', service.createApp(serviceDeps));
      if (deps.benchRoutes) {
        host.route('/v1/bench-unvalidated', exchange.createApp(serviceDeps, createUnvalidatedRouter()));
      }
    },
  );
}
