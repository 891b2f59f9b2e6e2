import { randomBytes } from 'node:crypto';
import { type Agent, type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';

export interface WebhookPolicy {
  /** Allow http:// (development and tests only); production requires https. */
  allowHttp: boolean;
  /** Allow private, loopback and link-local addresses (development and tests only). */
  allowPrivateNetworks: boolean;
  /** Whole request, connect to last byte. */
  timeoutMs: number;
  /** Response bodies are read up to this and then dropped. */
  maxResponseBytes: number;
}

export type WebhookUrlProblem =
  | 'not_a_url'
  | 'scheme_not_allowed'
  | 'credentials_in_url'
  | 'private_address'
  | 'fragment';

export interface WebhookMessage {
  /** Becomes `webhook-id`; stays the same across retries so receivers can deduplicate. */
  id: string;
  type: string;
  /** When the event happened; goes into the body, not into `webhook-timestamp`. */
  timestamp: Date;
  payload: Record<string, unknown>;
}

export type WebhookOutcome =
  | { ok: true; status: number; ms: number }
  | { ok: false; retryable: boolean; error: string; status?: number; ms: number };

const userAgent = 'Samsyn-Webhooks/1';

/** An outcome before its duration is stamped on. */
type Verdict =
  | { ok: true; status: number }
  | { ok: false; retryable: boolean; error: string; status?: number };

/**
 * Registration-time check (static): scheme per policy, no user:pass@, no fragment, and literal IP hosts
 * or localhost refused unless allowPrivateNetworks. A hostname can still resolve to a private address
 * later (DNS rebinding); sendWebhook refuses that at connect time.
 */
export function checkWebhookUrl(
  input: string,
  policy: Pick<WebhookPolicy, 'allowHttp' | 'allowPrivateNetworks'>,
): { ok: true; url: URL } | { ok: false; problem: WebhookUrlProblem } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, problem: 'not_a_url' };
  }
  const schemeAllowed = url.protocol === 'https:' || (policy.allowHttp && url.protocol === 'http:');
  if (!schemeAllowed) return { ok: false, problem: 'scheme_not_allowed' };
  // Credentials in a URL end up in logs and admin screens; receivers authenticate us by the signature.
  if (url.username !== '' || url.password !== '') return { ok: false, problem: 'credentials_in_url' };
  // href keeps a '#' even for an empty fragment, which url.hash ('') would hide.
  if (url.href.includes('#')) return { ok: false, problem: 'fragment' };
  if (!policy.allowPrivateNetworks && isLiteralOrLocalHost(url.hostname)) {
    return { ok: false, problem: 'private_address' };
  }
  return { ok: true, url };
}

function isLiteralOrLocalHost(hostname: string): boolean {
  // URL keeps IPv6 literals bracketed and a trailing root dot; neither changes where it connects.
  const host = hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  // WHATWG URL already normalised 0x7f.1, 2130706433 and the like to dotted IPv4, so isIP sees them.
  if (isIP(host) !== 0) return true;
  // RFC 6761: localhost and every name under it are loopback.
  return host === 'localhost' || host.endsWith('.localhost');
}

/** The exact JSON string that is signed and sent. */
export function webhookBody(message: WebhookMessage): string {
  return JSON.stringify({
    type: message.type,
    timestamp: message.timestamp.toISOString(),
    data: message.payload,
  });
}

const verifiedBodySchema = z.object({
  type: z.string(),
  timestamp: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()),
});

/**
 * For receivers and tests: verifies signature and timestamp (standardwebhooks refuses timestamps more
 * than five minutes off, which bounds replays); returns the parsed body or throws.
 */
export function verifyWebhook(
  secret: string,
  body: string,
  headers: Record<string, string>,
): { type: string; timestamp: string; data: Record<string, unknown> } {
  return verifiedBodySchema.parse(new Webhook(secret).verify(body, headers));
}

/**
 * verifyWebhook bound to one secret, for receivers that verify many messages: the secret is decoded
 * once rather than per message.
 */
export function webhookVerifier(
  secret: string,
): (body: string, headers: Record<string, string>) => ReturnType<typeof verifyWebhook> {
  const webhook = new Webhook(secret);
  return (body, headers) => verifiedBodySchema.parse(webhook.verify(body, headers));
}

/** 'whsec_' + base64 of 32 random bytes: the format standardwebhooks expects. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

// One agent per scheme and policy; the filtering agents check every address they connect to, after DNS,
// so a name that resolves to a public address at registration and a private one later is still refused.
// Connections are kept alive between messages to the same receiver: a kept socket is one that passed
// that check when it connected, and a fan-out to one agency then costs one TCP (and TLS) handshake
// instead of one per message.
const agents = new Map<string, Agent>();

/**
 * An idle kept connection is closed after this, below the 5 s idle timeout of Node's and most
 * servers' defaults, so we rarely write to a socket the receiver is closing.
 */
const idleSocketMs = 4000;

function agentFor(protocol: 'http:' | 'https:', allowPrivateNetworks: boolean): Agent {
  const key = `${protocol}${allowPrivateNetworks}`;
  let agent = agents.get(key);
  if (agent === undefined) {
    const options = {
      allowPrivateIPAddress: allowPrivateNetworks,
      keepAlive: true,
      timeout: idleSocketMs,
      scheduling: 'lifo' as const,
    };
    agent =
      protocol === 'https:'
        ? new RequestFilteringHttpsAgent(options)
        : new RequestFilteringHttpAgent(options);
    agents.set(key, agent);
  }
  return agent;
}

/**
 * POSTs the message to url signed with secret. Never follows redirects and never throws. 2xx is success;
 * 408, 429, 5xx, timeouts and connection errors are worth retrying; 3xx and other 4xx are not, nor is a
 * connection refused because the address is private. Error strings are short and never hold response
 * body text, so they are safe to store and log.
 */
export async function sendWebhook(
  url: string,
  secret: string,
  message: WebhookMessage,
  policy: WebhookPolicy,
): Promise<WebhookOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  // Private addresses are left to the connect-time check, which sees what names resolve to; the static
  // check here would only repeat it for literals and localhost.
  const checked = checkWebhookUrl(url, { allowHttp: policy.allowHttp, allowPrivateNetworks: true });
  if (!checked.ok) {
    return { ok: false, retryable: false, error: `url refused: ${checked.problem}`, ms: elapsed() };
  }
  const target = checked.url;

  let body: string;
  let headers: Record<string, string>;
  try {
    body = webhookBody(message);
    // The signed timestamp is the attempt's, not the event's: receivers refuse signatures older than five
    // minutes, and a retry hours later must still verify.
    const sentAt = new Date();
    headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': userAgent,
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(message.id, sentAt, body),
    };
  } catch {
    // A malformed secret or message will not fix itself on retry.
    return { ok: false, retryable: false, error: 'could not sign message', ms: elapsed() };
  }

  const span = startClientSpan(target, message, headers);
  const deadline = performance.now() + policy.timeoutMs;
  const first = await post(target, headers, body, policy, deadline);
  // A kept-alive connection the receiver closed just as we wrote to it fails before any answer; that
  // says nothing about the receiver, so the message goes once more at once, on a fresh connection.
  const again = first.staleSocket && performance.now() < deadline;
  const verdict = again ? (await post(target, headers, body, policy, deadline)).verdict : first.verdict;
  if (span) {
    if (verdict.status !== undefined) span.setAttribute('http.response.status_code', verdict.status);
    if (!verdict.ok) {
      span.setAttribute('error.type', verdict.status !== undefined ? String(verdict.status) : 'connection');
      // Our own short wording, never text from the response.
      span.setStatus({ code: SpanStatusCode.ERROR, message: verdict.error });
    }
    span.end();
  }
  return { ...verdict, ms: elapsed() };
}

/**
 * A client span for the POST, and its `traceparent` among the headers so the receiver can join the
 * trace: the signature covers id, timestamp and body, not headers, so it still verifies. Only
 * inside a traced job; otherwise (tracing off) this is one context lookup. The URL is left out:
 * an agency may have put a token in its path; its host and port say where it went.
 */
function startClientSpan(target: URL, message: WebhookMessage, headers: Record<string, string>) {
  const parent = context.active();
  if (!trace.getSpan(parent)) return undefined;
  // Asked for here, not when the module loads: a tracer taken before tracing starts stays a no-op.
  const span = trace.getTracer('@samsyn/queue').startSpan(
    'POST',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'POST',
        'server.address': target.hostname,
        'server.port': Number(target.port || (target.protocol === 'https:' ? 443 : 80)),
        'url.scheme': target.protocol.replace(':', ''),
        'samsyn.webhook_id': message.id,
        'samsyn.event_type': message.type,
      },
    },
    parent,
  );
  propagation.inject(trace.setSpan(parent, span), headers);
  return span;
}

function post(
  target: URL,
  headers: Record<string, string>,
  body: string,
  policy: WebhookPolicy,
  deadline: number,
): Promise<{ verdict: Verdict; staleSocket: boolean }> {
  return new Promise((resolve) => {
    let settled = false;
    let status: number | undefined;
    let timedOut = false;
    let req: ClientRequest | undefined;

    const finish = (verdict: Verdict, options: { keepSocket?: boolean; staleSocket?: boolean } = {}) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Unless the answer was read to its end (the socket then goes back to the agent for the next
      // message), drops whatever is left of the response and the socket with it.
      if (!options.keepSocket) req?.destroy();
      resolve({ verdict, staleSocket: options.staleSocket ?? false });
    };

    const onError = (err: Error & { code?: string }) => {
      // Once the status line is in, the receiver has answered; a body that stalls or breaks changes nothing.
      if (status !== undefined) return finish(outcomeForStatus(status));
      if (timedOut) {
        return finish({ ok: false, retryable: true, error: `timeout after ${policy.timeoutMs} ms` });
      }
      const stale = req?.reusedSocket === true && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      finish(connectionFailure(err), { staleSocket: stale });
    };

    const timer = setTimeout(
      () => {
        timedOut = true;
        onError(new Error('timeout'));
      },
      Math.max(0, deadline - performance.now()),
    );

    try {
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      req = send(target, {
        method: 'POST',
        headers,
        agent: agentFor(target.protocol === 'https:' ? 'https:' : 'http:', policy.allowPrivateNetworks),
      });
    } catch {
      // Thrown before any connection, e.g. a webhook-id with characters not allowed in a header: the same
      // message would fail the same way on every retry.
      finish({ ok: false, retryable: false, error: 'request could not be built' });
      return;
    }

    req.on('error', onError);
    req.on('response', (res: IncomingMessage) => {
      const answered = res.statusCode ?? 0;
      status = answered;
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        // Never buffered, only counted: past the limit the socket goes, the status still stands.
        if (received > policy.maxResponseBytes) finish(outcomeForStatus(answered));
      });
      res.on('end', () => finish(outcomeForStatus(answered), { keepSocket: true }));
      // A body cut short may close without 'end' or 'error'; the status is known, so settle now rather
      // than at the timeout.
      res.on('close', () => finish(outcomeForStatus(answered)));
      res.on('error', onError);
    });
    req.end(body);
  });
}

function outcomeForStatus(status: number): Verdict {
  if (status >= 200 && status < 300) return { ok: true, status };
  // A redirect could point anywhere, including inside our network; the agency must register the final URL.
  if (status >= 300 && status < 400) {
    return { ok: false, retryable: false, status, error: `redirect not followed (http ${status})` };
  }
  if (status === 408 || status === 429)
    return { ok: false, retryable: true, status, error: `http ${status}` };
  if (status >= 400 && status < 500) return { ok: false, retryable: false, status, error: `http ${status}` };
  return { ok: false, retryable: true, status, error: `http ${status}` };
}

function connectionFailure(err: Error & { code?: string }): Verdict {
  // request-filtering-agent reports a refused address only through its message (no code): "… is not
  // allowed. Because, It is private IP address." A test pins this wording.
  if (/is not allowed/.test(err.message)) {
    return { ok: false, retryable: false, error: 'refused: private address' };
  }
  return { ok: false, retryable: true, error: `connection failed (${err.code ?? 'unknown'})` };
}
