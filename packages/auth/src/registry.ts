import { type CitizenIssuer, citizenIssuers, type DbOrTx, type Party, parties } from '@samsyn/db';
import { eq, isNotNull } from 'drizzle-orm';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Caller } from './caller';

export async function findParty(db: DbOrTx, id: string): Promise<Party | undefined> {
  const [row] = await db.select().from(parties).where(eq(parties.id, id)).limit(1);
  return row;
}

export async function findCitizenIssuer(db: DbOrTx, id: string): Promise<CitizenIssuer | undefined> {
  const [row] = await db.select().from(citizenIssuers).where(eq(citizenIssuers.id, id)).limit(1);
  return row;
}

const remoteKeySets = new Map<string, JWTVerifyGetKey>();

/** The keys a registered party or issuer signs with: inline JWKS, or its `jwks_uri` (fetched and cached by jose). */
export function keySetOf(entry: { jwks: unknown; jwksUri: string | null }): JWTVerifyGetKey {
  if (entry.jwksUri) {
    let remote = remoteKeySets.get(entry.jwksUri);
    if (!remote) {
      remote = createRemoteJWKSet(new URL(entry.jwksUri), {
        timeoutDuration: 3000,
        cooldownDuration: 30_000,
      });
      remoteKeySets.set(entry.jwksUri, remote);
    }
    return remote;
  }
  return createLocalJWKSet((entry.jwks ?? { keys: [] }) as JSONWebKeySet);
}

/**
 * Keeps, in memory, the set of parties and issuers that are switched off, refreshed every few seconds,
 * so a deactivated party's tokens stop working within one refresh without a query per request.
 */
export class RevocationWatch {
  private inactiveParties = new Set<string>();
  private inactiveIssuers = new Set<string>();
  private rateLimits = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private lastError: unknown;

  constructor(
    private readonly db: DbOrTx,
    private readonly refreshMs: number,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) => {
        // Keep the last known set: an unreachable database must not re-enable revoked parties.
        this.lastError = error;
      });
    }, this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get refreshError(): unknown {
    return this.lastError;
  }

  async refresh(): Promise<void> {
    const [inactiveParties, inactiveIssuers, limits] = await Promise.all([
      this.db.select({ id: parties.id }).from(parties).where(eq(parties.active, false)),
      this.db.select({ id: citizenIssuers.id }).from(citizenIssuers).where(eq(citizenIssuers.active, false)),
      this.db
        .select({ id: parties.id, perMinute: parties.rateLimitPerMinute })
        .from(parties)
        .where(isNotNull(parties.rateLimitPerMinute)),
    ]);
    this.inactiveParties = new Set(inactiveParties.map((p) => p.id));
    this.rateLimits = new Map(limits.map((l) => [l.id, l.perMinute ?? 0]));
    this.inactiveIssuers = new Set(inactiveIssuers.map((i) => i.id));
    this.lastError = undefined;
  }

  /** The party's own request budget from the registry, if one is set. */
  rateLimitOf = (caller: Caller): number | undefined =>
    caller.kind === 'agency' ? this.rateLimits.get(caller.partyId) : undefined;

  isRevoked = (caller: Caller): boolean =>
    caller.kind === 'agency'
      ? this.inactiveParties.has(caller.partyId)
      : this.inactiveIssuers.has(caller.issuerId);
}
