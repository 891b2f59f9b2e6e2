import type { JWK } from 'jose';
import { signAssertion } from './assertion';

export interface TokenProviderOptions {
  /** Samsyn's origin, e.g. `https://samsyn.example.se`. */
  baseUrl: string;
  /** Your registered party id, e.g. `kommun:1281`. */
  partyId: string;
  /** The officer your system acts for; appears in every audit row. */
  officerId: string;
  /** Your private signing key; its public half is registered with Samsyn. */
  privateJwk: JWK;
  /** Space-separated scopes. */
  scope: string;
  /** Fetch a new token this many seconds before the old one expires. */
  refreshBeforeSeconds?: number;
  /** Another fetch (a proxy agent, a test double); defaults to the global one. */
  fetch?: typeof fetch;
}

export class TokenRequestError extends Error {
  override readonly name = 'TokenRequestError';
  constructor(
    readonly status: number,
    readonly error: string,
    description: string | undefined,
  ) {
    super(`${error}${description ? `: ${description}` : ''}`);
  }
}

export interface TokenProvider {
  /** A valid access token; concurrent callers share one request. */
  getToken: () => Promise<string>;
}

interface CachedToken {
  value: string;
  refreshAt: number;
}

/**
 * Gets access tokens the way Samsyn expects (RFC 7523 assertion grant) and reuses each until shortly
 * before it expires, so a busy integration signs an assertion once every few minutes, not per call.
 */
export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const base = options.baseUrl.replace(/\/$/, '');
  const send = options.fetch ?? fetch;
  let tokenEndpoint: string | undefined;
  let cached: CachedToken | undefined;
  let pending: Promise<string> | undefined;

  async function endpoint(): Promise<string> {
    if (tokenEndpoint) return tokenEndpoint;
    const response = await send(`${base}/.well-known/oauth-authorization-server`);
    if (!response.ok)
      throw new TokenRequestError(response.status, 'metadata_unavailable', await response.text());
    tokenEndpoint = ((await response.json()) as { token_endpoint: string }).token_endpoint;
    return tokenEndpoint;
  }

  async function fetchToken(): Promise<string> {
    const audience = await endpoint();
    const assertion = await signAssertion({
      issuer: options.partyId,
      subject: options.officerId,
      audience,
      privateJwk: options.privateJwk,
    });
    const response = await send(audience, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
        scope: options.scope,
      }),
    });
    const body = (await response.json()) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    };
    if (!response.ok || !body.access_token || !body.expires_in) {
      throw new TokenRequestError(response.status, body.error ?? 'invalid_response', body.error_description);
    }
    const margin = Math.min(options.refreshBeforeSeconds ?? 30, body.expires_in / 2);
    cached = { value: body.access_token, refreshAt: Date.now() + (body.expires_in - margin) * 1000 };
    return body.access_token;
  }

  return {
    /** A valid access token; concurrent callers share one request. */
    async getToken(): Promise<string> {
      if (cached && Date.now() < cached.refreshAt) return cached.value;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}
