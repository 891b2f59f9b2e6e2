import { type AgencyCaller, AuthError, type Caller, isUnavailable } from '@samsyn/auth';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { dashboardPaths } from './paths';

/** Checks an access token as the API does: signature, issuer, audience, expiry, revocation. */
export interface AccessTokenCheck {
  verify(token: string): Promise<Caller>;
}

const cookieName = 'samsyn_dashboard';
const bearerPattern = /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/;

export type SignInFailure = 'invalid' | 'expired' | 'not-forbund' | 'no-scope' | 'bound';

export const signInMessages: Record<SignInFailure, string> = {
  invalid: 'Åtkomsttoken kunde inte kontrolleras. Hämta en ny och försök igen.',
  expired: 'Din inloggning har gått ut. Logga in igen.',
  'not-forbund': 'Översikten är till för samordningsförbund och deras medlemskommuner.',
  'no-scope': 'Åtkomsttoken saknar behörigheten metrics:read.',
  bound: 'Den här åtkomsttoken är bunden till en nyckel (DPoP) och kan inte användas i webbläsaren.',
};

export type SessionResult =
  | { ok: true; caller: AgencyCaller; token: string }
  | { ok: false; failure: SignInFailure };

/**
 * Who may look at the figures: an agency caller of a förbund or kommun whose token carries
 * `metrics:read`. A bearer token sent by an organisation's login proxy counts as much as one pasted
 * into the sign-in form; sender-constrained (DPoP) tokens cannot be replayed by a browser.
 */
export async function checkToken(check: AccessTokenCheck, token: string): Promise<SessionResult> {
  let caller: Caller;
  try {
    caller = await check.verify(token);
  } catch (error) {
    if (!(error instanceof AuthError) || isUnavailable(error)) throw error;
    return { ok: false, failure: error.failure === 'expired' ? 'expired' : 'invalid' };
  }
  if (caller.boundKeyThumbprint) return { ok: false, failure: 'bound' };
  if (caller.kind !== 'agency' || (caller.partyKind !== 'forbund' && caller.partyKind !== 'kommun'))
    return { ok: false, failure: 'not-forbund' };
  if (!caller.scopes.includes('metrics:read')) return { ok: false, failure: 'no-scope' };
  return { ok: true, caller, token };
}

/** The token of this request: from the login proxy's Authorization header, else the session cookie. */
export function presentedToken(c: Context): string | undefined {
  const header = bearerPattern.exec(c.req.header('authorization') ?? '');
  return header?.[1] ?? getCookie(c, cookieName);
}

/** The session lasts as long as the token: the cookie expires with it, and holds nothing else. */
export function startSession(c: Context, token: string, caller: AgencyCaller, secure: boolean) {
  setCookie(c, cookieName, token, {
    path: dashboardPaths.home,
    httpOnly: true,
    secure,
    sameSite: 'Strict',
    maxAge: Math.max(0, caller.expiresAt - Math.floor(Date.now() / 1000)),
  });
}

export function endSession(c: Context, secure: boolean) {
  deleteCookie(c, cookieName, { path: dashboardPaths.home, secure });
}
