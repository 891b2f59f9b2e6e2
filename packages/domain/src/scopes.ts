import type { PartyKind } from './parties';

/**
 * OAuth scopes a caller may request. Each route names the one it needs; a token carries only
 * what the party kind is allowed and what was asked for.
 */
export const scopes = [
  'whoami',
  'status:read',
  'status:write',
  'consent:read',
  'consent:write',
  'sip:read',
  'sip:write',
  'consultation:read',
  'consultation:write',
  'metrics:read',
  'signals:read',
  'signals:write',
  'signals:admin',
  'self:read',
  'self:write',
  'webhook:write',
] as const;
export type Scope = (typeof scopes)[number];

export function isScope(value: string): value is Scope {
  return (scopes as readonly string[]).includes(value);
}

const agencyScopes: readonly Scope[] = [
  'whoami',
  'status:read',
  'status:write',
  'consent:read',
  'consent:write',
  'sip:read',
  'sip:write',
  'consultation:read',
  'consultation:write',
  'signals:read',
  'signals:write',
  'webhook:write',
];

/**
 * A förbund reads aggregated follow-up only, never individuals (DOMAIN.md); a member kommun its own part.
 * It also sets the signal thresholds for its area (`signals:admin`), which reads no person at all.
 */
export const scopesByPartyKind: Record<PartyKind, readonly Scope[]> = {
  kommun: [...agencyScopes, 'metrics:read'],
  region: agencyScopes,
  fk: agencyScopes,
  af: agencyScopes,
  forbund: ['whoami', 'metrics:read', 'signals:admin'],
};

/** Individuals and their representatives, signed in with a citizen e-ID. */
export const citizenScopes: readonly Scope[] = ['whoami', 'self:read', 'self:write'];

/** Splits an OAuth `scope` string (RFC 6749 §3.3: space-delimited). */
export function parseScopeString(scope: string | undefined): string[] {
  if (!scope) return [];
  return [...new Set(scope.split(' ').filter((s) => s.length > 0))];
}
