import { WebhookVerificationError as LibraryVerificationError, Webhook } from 'standardwebhooks';
import { createMemoryWebhookIdStore, type WebhookIdStore } from './webhook-store';

/** Ids only: fetch what they point to under your own token (`GET /v1/invitations/{id}`). */
export interface InvitationRef {
  invitationId: string;
  meetingId: string;
  sipId: string;
}

/** The messages Samsyn sends (`services/sip/README.md`), each body `{ type, timestamp, data }`. */
export type SamsynWebhookEvent =
  | {
      type: 'invitation.created' | 'invitation.updated' | 'invitation.cancelled' | 'meeting.reminder';
      timestamp: string;
      data: InvitationRef;
    }
  | { type: 'sip.follow_up_reminder'; timestamp: string; data: { sipId: string; followUpOn: string } }
  | { type: 'sip.closed'; timestamp: string; data: { sipId: string } }
  | { type: 'consent.withdrawn'; timestamp: string; data: { consentId: string } };

export type WebhookEventType = SamsynWebhookEvent['type'];

/** The ids each event type must carry, which is all the verifier checks of `data`. */
const requiredIds: Record<WebhookEventType, readonly string[]> = {
  'invitation.created': ['invitationId', 'meetingId', 'sipId'],
  'invitation.updated': ['invitationId', 'meetingId', 'sipId'],
  'invitation.cancelled': ['invitationId', 'meetingId', 'sipId'],
  'meeting.reminder': ['invitationId', 'meetingId', 'sipId'],
  'sip.follow_up_reminder': ['sipId', 'followUpOn'],
  'sip.closed': ['sipId'],
  'consent.withdrawn': ['consentId'],
};

/**
 * What a verified message is: `new` (handle it), `duplicate` (already taken: answer 2xx and do
 * nothing), or `unrecognised` (signed by Samsyn but of a type this SDK version does not know: answer
 * 2xx so it is not retried, and upgrade).
 */
export type WebhookResult =
  | { kind: 'new'; id: string; event: SamsynWebhookEvent }
  | { kind: 'duplicate'; id: string }
  | { kind: 'unrecognised'; id: string; body: unknown };

export type WebhookVerificationCode =
  | 'missing-headers'
  | 'timestamp-out-of-tolerance'
  | 'bad-signature'
  | 'malformed-body';

/** The message was not verifiably from Samsyn, or not now: answer 4xx (400 or 401) and drop it. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly code: WebhookVerificationCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

export interface WebhookVerifierOptions {
  /** The `whsec_…` secret `POST /v1/webhook-registrations` returned. */
  secret: string;
  /** Where taken `webhook-id`s are remembered; default: in this process (createMemoryWebhookIdStore). */
  seen?: WebhookIdStore;
  /**
   * How far `webhook-timestamp` may be from your clock, either way (default and maximum 300 s, the
   * bound of the Standard Webhooks libraries). Bounds how long a captured message can be replayed.
   */
  toleranceSeconds?: number;
  /**
   * How long a taken id is remembered (default 48 h): Samsyn retries a failed delivery for a little
   * over 24 h with the same id. A re-drive of a dead letter may come later still.
   */
  dedupeSeconds?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/** Node's `IncomingHttpHeaders`, a fetch `Headers`, or a plain record. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

const maxToleranceSeconds = 300;

/**
 * Verifies Samsyn's Standard Webhooks messages (HMAC-SHA256 over id, timestamp and the exact body)
 * and takes each `webhook-id` once. Pass the raw body as received: re-serialised JSON does not verify.
 */
export function createWebhookVerifier(options: WebhookVerifierOptions) {
  const webhook = new Webhook(options.secret);
  const seen = options.seen ?? createMemoryWebhookIdStore();
  const tolerance = Math.min(options.toleranceSeconds ?? maxToleranceSeconds, maxToleranceSeconds);
  const dedupeSeconds = options.dedupeSeconds ?? 48 * 3600;
  const now = options.now ?? Date.now;

  return {
    /** Verifies and de-duplicates one message; throws WebhookVerificationError when it does not verify. */
    async verify(body: string | Buffer, headers: WebhookHeaders): Promise<WebhookResult> {
      const flat = webhookHeaders(headers);
      const id = flat['webhook-id'];
      const timestamp = flat['webhook-timestamp'];
      if (!id || !timestamp || !flat['webhook-signature']) {
        throw new WebhookVerificationError('missing-headers', 'webhook-id, -timestamp or -signature missing');
      }
      const sentAt = Number(timestamp);
      // Checked here as well as in the library, whose window is fixed: a receiver may want a tighter one.
      if (!Number.isInteger(sentAt) || Math.abs(now() / 1000 - sentAt) > tolerance) {
        throw new WebhookVerificationError(
          'timestamp-out-of-tolerance',
          `webhook-timestamp is more than ${tolerance} s from this clock`,
        );
      }
      let parsed: unknown;
      try {
        parsed = webhook.verify(body, flat);
      } catch (error) {
        if (error instanceof LibraryVerificationError) {
          throw new WebhookVerificationError('bad-signature', error.message, { cause: error });
        }
        // The signature matched but the body is not JSON: Samsyn never sends that.
        throw new WebhookVerificationError('malformed-body', 'the body is not JSON', { cause: error });
      }
      if (!(await seen.claim(id, dedupeSeconds))) return { kind: 'duplicate', id };
      const event = asEvent(parsed);
      return event ? { kind: 'new', id, event } : { kind: 'unrecognised', id, body: parsed };
    },
    /**
     * Forgets a taken id after your processing failed, so Samsyn's retry (answer it 5xx) is handled
     * instead of being taken for a duplicate.
     */
    release: async (id: string): Promise<void> => {
      await seen.release(id);
    },
  };
}

export type WebhookVerifier = ReturnType<typeof createWebhookVerifier>;

function webhookHeaders(headers: WebhookHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  const names = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];
  for (const name of names) {
    const value =
      headers instanceof Headers
        ? headers.get(name)
        : (headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1]);
    // A repeated header is not something a Standard Webhooks sender produces; take the first.
    const single = Array.isArray(value) ? value[0] : value;
    if (typeof single === 'string') flat[name] = single;
  }
  return flat;
}

function asEvent(body: unknown): SamsynWebhookEvent | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { type, timestamp, data } = body as Record<string, unknown>;
  if (typeof type !== 'string' || typeof timestamp !== 'string') return undefined;
  if (typeof data !== 'object' || data === null || !Object.hasOwn(requiredIds, type)) return undefined;
  const ids = requiredIds[type as WebhookEventType];
  const fields = data as Record<string, unknown>;
  if (!ids.every((name) => typeof fields[name] === 'string')) return undefined;
  // The checks above are exactly what the union promises for this type.
  return { type, timestamp, data } as SamsynWebhookEvent;
}
