import type { PartyKind, Scope } from '@samsyn/domain';

interface CallerBase {
  scopes: readonly Scope[];
  tokenId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** RFC 7638 thumbprint of the DPoP key the token is bound to, if it is sender-constrained. */
  boundKeyThumbprint?: string;
}

/** An agency system acting for one of its officers. */
export interface AgencyCaller extends CallerBase {
  kind: 'agency';
  partyId: string;
  partyKind: PartyKind;
  officerId: string;
}

/** An individual or a representative, signed in through a citizen e-ID issuer; never a personnummer. */
export interface CitizenCaller extends CallerBase {
  kind: 'citizen';
  issuerId: string;
  personKey: string;
}

export type Caller = AgencyCaller | CitizenCaller;

export function hasScope(caller: Caller, scope: Scope): boolean {
  return caller.scopes.includes(scope);
}

/** Who a token is about, before it has an id and expiry. */
export type CallerIdentity =
  | Omit<AgencyCaller, 'tokenId' | 'expiresAt'>
  | Omit<CitizenCaller, 'tokenId' | 'expiresAt'>;
