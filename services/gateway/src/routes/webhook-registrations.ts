import { type Db, parties } from '@samsyn/db';
import {
  type AppEnv,
  agencyCaller,
  commonProblemResponses,
  createRoute,
  jsonBodyProblemResponses,
  type OpenAPIHono,
  ProblemError,
  secured,
  securedProblemResponses,
  z,
} from '@samsyn/http';
import {
  checkWebhookUrl,
  generateWebhookSecret,
  type WebhookPolicy,
  type WebhookUrlProblem,
} from '@samsyn/queue';
import { eq, sql } from 'drizzle-orm';

const WebhookRegistrationInputSchema = z
  .strictObject({
    url: z.string().max(2000).openapi({ example: 'https://integration.lund.se/samsyn/webhooks' }),
  })
  .openapi('WebhookRegistrationInput');

const WebhookRegistrationSchema = z
  .object({
    url: z.string().max(2000),
    secret: z
      .string()
      .max(100)
      .openapi({
        description:
          'The Standard Webhooks secret (`whsec_…`) every message to you is signed with. Shown once: ' +
          'registering again issues a new one.',
      }),
  })
  .openapi('WebhookRegistration');

export const registerWebhookRoute = createRoute({
  method: 'post',
  path: '/v1/webhook-registrations',
  operationId: 'registerWebhook',
  tags: ['Deliveries'],
  summary: 'Register (or replace) your party’s webhook endpoint and get a new signing secret',
  description:
    'Samsyn POSTs invitations, updates, reminders and withdrawal notices here, signed with Standard ' +
    'Webhooks headers. The URL must be https (http only in development), without credentials or a ' +
    'fragment, and must not name a private, loopback or link-local address; the dispatcher also refuses ' +
    'such addresses at connect time, follows no redirects, times out and caps response bodies.',
  ...secured('webhook:write'),
  request: {
    body: { required: true, content: { 'application/json': { schema: WebhookRegistrationInputSchema } } },
  },
  responses: {
    201: {
      description: 'Registered',
      content: { 'application/json': { schema: WebhookRegistrationSchema } },
    },
    ...securedProblemResponses,
    ...jsonBodyProblemResponses,
    ...commonProblemResponses,
  },
});

const problemText: Record<WebhookUrlProblem, string> = {
  not_a_url: 'must be an absolute URL',
  scheme_not_allowed: 'must be https',
  credentials_in_url: 'must not carry a user name or password',
  private_address: 'must not name a private, loopback or link-local address',
  fragment: 'must not have a fragment',
};

export function registerWebhookRegistrationRoute(
  app: OpenAPIHono<AppEnv>,
  deps: { db: Db; policy: Pick<WebhookPolicy, 'allowHttp' | 'allowPrivateNetworks'> },
) {
  app.openapi(registerWebhookRoute, async (c) => {
    const caller = agencyCaller(c);
    const { url } = c.req.valid('json');
    const checked = checkWebhookUrl(url, deps.policy);
    if (!checked.ok) {
      throw new ProblemError('validation-failed', 'the webhook URL is refused', {
        errors: [{ location: 'body', pointer: '/url', detail: problemText[checked.problem] }],
      });
    }
    const secret = generateWebhookSecret();
    await deps.db
      .update(parties)
      .set({ webhookUrl: checked.url.href, webhookSecret: secret, updatedAt: sql`now()` })
      .where(eq(parties.id, caller.partyId));
    c.get('logger').info({ party: caller.partyId, host: checked.url.host }, 'webhook registered');
    return c.json({ url: checked.url.href, secret }, 201);
  });
}
