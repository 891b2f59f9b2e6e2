import { generateSigningJwk, toPublicJwk } from '@samsyn/auth';
import { citizenIssuers, type Db, type NewParty, parties } from '@samsyn/db';
import type { PartyKind } from '@samsyn/domain';
import type { JWK } from 'jose';

let sequence = Math.floor(Math.random() * 5000);

function nextPartyId(kind: PartyKind): string {
  sequence++;
  switch (kind) {
    case 'kommun':
      return `kommun:${String(1000 + (sequence % 9000)).padStart(4, '0')}`;
    case 'region':
      return `region:${String(10 + (sequence % 90))}`;
    case 'forbund':
      return `forbund:test-${sequence}`;
    default:
      return kind;
  }
}

export interface TestParty {
  id: string;
  kind: PartyKind;
  privateJwk: JWK;
}

/** Registers a party with a fresh key pair. Ids are unique within the test file's database. */
export async function createTestParty(
  db: Db,
  kind: PartyKind = 'kommun',
  overrides: Partial<NewParty> & { alg?: string } = {},
): Promise<TestParty> {
  const { alg, ...values } = overrides;
  const privateJwk = await generateSigningJwk(alg ?? 'ES256');
  const id = values.id ?? nextPartyId(kind);
  await db.insert(parties).values({
    id,
    kind,
    displayName: `Test ${id}`,
    jwks: { keys: [toPublicJwk(privateJwk) as Record<string, unknown>] },
    ...values,
  });
  return { id, kind, privateJwk };
}

export async function createTestCitizenIssuer(db: Db, id = `eid:test-${++sequence}`) {
  const privateJwk = await generateSigningJwk('ES256');
  await db
    .insert(citizenIssuers)
    .values({ id, displayName: id, jwks: { keys: [toPublicJwk(privateJwk) as Record<string, unknown>] } });
  return { id, privateJwk };
}
