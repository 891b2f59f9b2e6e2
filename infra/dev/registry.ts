import { citizenIssuers, type Db, parties } from '@samsyn/db';
import { partyKinds } from '@samsyn/domain';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { devKeyFile, ensurePrivateJwk, publicJwks } from './keys';
import devRegistry from './parties.json' with { type: 'json' };

const DevRegistrySchema = z.object({
  parties: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(partyKinds),
      displayName: z.string(),
      memberIds: z.array(z.string()).default([]),
      webhookUrl: z.string().optional(),
    }),
  ),
  citizenIssuers: z.array(z.object({ id: z.string().startsWith('eid:'), displayName: z.string() })),
});

/**
 * Seeds the dev party registry, giving each party and the dev e-ID issuer a key pair under the keys
 * folder on first start. Re-running updates names and members but keeps keys and the active flag.
 */
export async function seedDevRegistry(db: Db, keysDir: string): Promise<number> {
  const registry = DevRegistrySchema.parse(devRegistry);
  for (const party of registry.parties) {
    const jwk = await ensurePrivateJwk(devKeyFile(keysDir, party.id));
    await db
      .insert(parties)
      .values({ ...party, jwks: publicJwks(jwk) })
      .onConflictDoUpdate({
        target: parties.id,
        set: {
          displayName: party.displayName,
          memberIds: party.memberIds,
          jwks: publicJwks(jwk),
          updatedAt: sql`now()`,
        },
      });
  }
  for (const issuer of registry.citizenIssuers) {
    const jwk = await ensurePrivateJwk(devKeyFile(keysDir, issuer.id));
    await db
      .insert(citizenIssuers)
      .values({ ...issuer, jwks: publicJwks(jwk) })
      .onConflictDoUpdate({
        target: citizenIssuers.id,
        set: { displayName: issuer.displayName, jwks: publicJwks(jwk) },
      });
  }
  return registry.parties.length;
}
