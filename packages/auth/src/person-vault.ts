import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PersonNumber } from '@samsyn/domain';
import { personKey } from './person-key';

/** What the exchange stores about a person: a keyed hash to name them, the number only sealed. */
export interface PersonRecord {
  personKey: string;
  sealedNumber: string;
  numberKind: PersonNumber['kind'];
  birthYear: number;
  birthMonth: number;
  legalSex: PersonNumber['legalSex'];
}

const sealVersion = 'v1';
const ivLength = 12;
const tagLength = 16;

/**
 * Holds the two person secrets: the HMAC secret that names persons and the AES-256-GCM key that seals
 * the number for hand-back. Sealed values carry a version so the key can be rotated later.
 */
export class PersonVault {
  readonly #hmacSecret: string;
  readonly #encryptionKey: Buffer;

  constructor(options: { hmacSecret: string; encryptionKey: string }) {
    const key = Buffer.from(options.encryptionKey, 'base64url');
    if (key.length !== 32) throw new Error('the person encryption key must be 32 bytes, base64url-encoded');
    this.#hmacSecret = options.hmacSecret;
    this.#encryptionKey = key;
  }

  keyOf(normalisedNumber: string): string {
    return personKey(this.#hmacSecret, normalisedNumber);
  }

  seal(normalisedNumber: string): string {
    const iv = randomBytes(ivLength);
    const cipher = createCipheriv('aes-256-gcm', this.#encryptionKey, iv, { authTagLength: tagLength });
    const ciphertext = Buffer.concat([cipher.update(normalisedNumber, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return [sealVersion, ...parts].join('.');
  }

  /** The number back; throws when the value was tampered with or sealed under another key. */
  open(sealed: string): string {
    const parts = sealed.split('.');
    const [version, iv, tag, ciphertext] = parts;
    if (parts.length !== 4 || version !== sealVersion || !iv || !tag || !ciphertext) {
      throw new Error('not a sealed person number');
    }
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    // GCM in Node accepts tags as short as 4 bytes unless told otherwise; a truncated tag would make
    // forging a sealed value far cheaper, so insist on the full 16 bytes (and the 12-byte IV seal uses).
    if (ivBytes.length !== ivLength || tagBytes.length !== tagLength) {
      throw new Error('not a sealed person number');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#encryptionKey, ivBytes, {
      authTagLength: tagLength,
    });
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  record(person: PersonNumber): PersonRecord {
    return {
      personKey: this.keyOf(person.normalised),
      sealedNumber: this.seal(person.normalised),
      numberKind: person.kind,
      birthYear: person.birthYear,
      birthMonth: person.birthMonth,
      legalSex: person.legalSex,
    };
  }
}

export function generatePersonEncryptionKey(): string {
  return randomBytes(32).toString('base64url');
}
