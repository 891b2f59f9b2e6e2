import { randomUUID } from 'node:crypto';
import type { PersonVault } from '@samsyn/auth';
import type { Db } from '@samsyn/db';
import { type Consent, consents, ensurePerson } from '@samsyn/db';
import { type Category, type ConsentPurpose, luhnValid, parsePersonNumber } from '@samsyn/domain';
import { watchPersonnummer } from './leak-watch';

let serial = Math.floor(Math.random() * 900);

/**
 * A valid personnummer no other call in this process returns, written as people write it
 * (YYYYMMDD-NNNC). Birth dates fall between 1960 and 2005 so every person is of working age.
 */
export function testPersonnummer(
  options: { birthYear?: number; sex?: 'male' | 'female'; samordningsnummer?: boolean } = {},
): string {
  for (;;) {
    serial = (serial + 1) % 1000;
    const year = options.birthYear ?? 1960 + Math.floor(Math.random() * 45);
    const month = 1 + Math.floor(Math.random() * 12);
    const day = 1 + Math.floor(Math.random() * 28) + (options.samordningsnummer ? 60 : 0);
    let three = serial;
    if (options.sex) {
      const odd = three % 2 === 1;
      if (odd !== (options.sex === 'male')) three = (three + 1) % 1000;
    }
    const yymmdd = `${String(year).slice(2)}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
    const nine = `${yymmdd}${String(three).padStart(3, '0')}`;
    for (let check = 0; check < 10; check++) {
      if (luhnValid(`${nine}${check}`)) {
        const written = `${String(year).slice(0, 2)}${yymmdd}-${nine.slice(6)}${check}`;
        if (parsePersonNumber(written).ok) {
          watchPersonnummer(written);
          return written;
        }
      }
    }
  }
}

export interface TestConsentOptions {
  personnummer: string;
  parties: string[];
  categories: Category[];
  purposes: ConsentPurpose[];
  validFrom?: Date;
  validUntil?: Date;
  revokedAt?: Date | null;
  recordedBy?: string;
}

/** Stores a consent directly, for tests of what consents allow (the consent API has tests of its own). */
export async function createTestConsent(
  db: Db,
  vault: PersonVault,
  options: TestConsentOptions,
): Promise<Consent> {
  const parsed = parsePersonNumber(options.personnummer);
  if (!parsed.ok) throw new Error(`not a valid test personnummer (${parsed.error})`);
  const person = vault.record(parsed.value);
  await ensurePerson(db, person);
  const now = Date.now();
  const [row] = await db
    .insert(consents)
    .values({
      id: randomUUID(),
      personKey: person.personKey,
      givenBy: 'person',
      parties: options.parties,
      categories: options.categories,
      purposes: options.purposes,
      validFrom: options.validFrom ?? new Date(now - 60_000),
      validUntil: options.validUntil ?? new Date(now + 365 * 86_400_000),
      form: 'written',
      evidenceReference: 'test',
      plainLanguageText: 'Jag samtycker.',
      legalBasis: 'public-task-social-protection',
      recordedByParty: options.recordedBy ?? options.parties[0] ?? 'test',
      recordedByOfficer: 'officer-1',
      revokedAt: options.revokedAt ?? null,
    })
    .returning();
  if (!row) throw new Error('consent insert returned no row');
  return row;
}
