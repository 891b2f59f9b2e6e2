import { randomUUID } from 'node:crypto';
import { createLogger } from '@samsyn/http';
import {
  captureLogs,
  startWebhookReceiver,
  type TestParty,
  testEnv,
  type WebhookReceiver,
} from '@samsyn/testkit';
import { type DispatcherSettings, startDispatcher } from '../../services/dispatcher/src/dispatcher';
import { startTestGateway, type TestGateway } from '../../services/gateway/test/harness';

export const allScopes = 'whoami sip:read sip:write consent:read consent:write status:read status:write';

/** Fast retry settings: the retry logic is the same at any speed. */
export function dispatcherSettings(
  gateway: TestGateway,
  overrides: Partial<DispatcherSettings> = {},
): DispatcherSettings {
  const logs = captureLogs();
  return {
    db: gateway.database.db,
    logger: createLogger({ name: 'dispatcher-test', level: 'info', destination: logs.stream }),
    redisUrl: testEnv.redisUrl,
    redisPrefix: `samsyn-test:${randomUUID()}:`,
    policy: { allowHttp: true, allowPrivateNetworks: true, timeoutMs: 2000, maxResponseBytes: 64 * 1024 },
    maxAttempts: 5,
    backoffBaseMs: 50,
    backoffMaxMs: 200,
    concurrency: 10,
    lockDurationMs: 5000,
    relayIntervalMs: 50,
    requeueAfterMs: 2000,
    auditSequenceIntervalMs: 200,
    ...overrides,
  };
}

/** Starts a receiver for the party and registers it through the API, as an agency would. */
export async function withReceiver(gateway: TestGateway, party: TestParty): Promise<WebhookReceiver> {
  const token = await gateway.tokenFor(party, 'webhook:write');
  let secret = '';
  const receiver = await startWebhookReceiver(() => secret);
  const registered = await callApi(gateway, token, 'POST', '/v1/webhook-registrations', {
    url: receiver.url,
  });
  if (registered.status !== 201) throw new Error(`webhook registration refused: ${registered.status}`);
  secret = String(registered.body.secret);
  return receiver;
}

export async function callApi(
  gateway: TestGateway,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export { startDispatcher, startTestGateway, type TestGateway };
