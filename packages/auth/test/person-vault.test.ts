import { randomBytes } from 'node:crypto';
import { type ParseResult, parsePersonNumber } from '@samsyn/domain';
import { describe, expect, it } from 'vitest';
import { personKey } from '../src/person-key';
import { generatePersonEncryptionKey, PersonVault } from '../src/person-vault';

const hmacSecret = 'person-hmac-secret-for-tests-only-0123456789';
const number = '198112189876';
const base64urlAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function vault(encryptionKey = generatePersonEncryptionKey(), secret = hmacSecret) {
  return new PersonVault({ hmacSecret: secret, encryptionKey });
}

/** The sealed string with one character replaced by one whose top bit differs, so the decoded bytes change. */
function flipCharacter(sealed: string, partIndex: number, charIndex: number): string {
  const parts = sealed.split('.');
  const part = parts[partIndex];
  if (part === undefined) throw new Error(`no part ${partIndex}`);
  const value = base64urlAlphabet.indexOf(part.charAt(charIndex));
  if (value < 0) throw new Error(`not base64url: ${part}`);
  const flipped = base64urlAlphabet.charAt(value ^ 0b100000);
  parts[partIndex] = part.slice(0, charIndex) + flipped + part.slice(charIndex + 1);
  return parts.join('.');
}

function parsedValue(result: ParseResult) {
  if (!result.ok) throw new Error(`expected a valid number, got ${result.error}`);
  return result.value;
}

describe('PersonVault.keyOf', () => {
  it('is personKey under the HMAC secret: stable, and independent of the encryption key', () => {
    const a = vault();
    expect(a.keyOf(number)).toBe(personKey(hmacSecret, number));
    expect(a.keyOf(number)).toBe(a.keyOf(number));
    expect(vault().keyOf(number)).toBe(a.keyOf(number));
  });

  it('differs between numbers and between secrets, and does not contain the number', () => {
    const a = vault();
    expect(a.keyOf('198112189868')).not.toBe(a.keyOf(number));
    expect(vault(undefined, `${hmacSecret}-other`).keyOf(number)).not.toBe(a.keyOf(number));
    expect(a.keyOf(number)).not.toContain('8112189876');
  });
});

describe('PersonVault.seal and open', () => {
  it('seals the same number differently each time, and both open to the number', () => {
    const v = vault();
    const first = v.seal(number);
    const second = v.seal(number);
    expect(first).not.toBe(second);
    expect(first.split('.')[1]).not.toBe(second.split('.')[1]);
    expect(v.open(first)).toBe(number);
    expect(v.open(second)).toBe(number);
  });

  it('writes v1 and three base64url parts: a 12-byte IV, a 16-byte tag and the ciphertext', () => {
    const sealed = vault().seal(number);
    const [version, iv, tag, ciphertext, ...rest] = sealed.split('.');
    expect(version).toBe('v1');
    expect(rest).toEqual([]);
    for (const part of [iv, tag, ciphertext]) expect(part).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(iv ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(ciphertext ?? '', 'base64url')).toHaveLength(number.length);
  });

  it('does not show the number, in digits or plainly encoded', () => {
    const sealed = vault().seal(number);
    expect(sealed).not.toContain(number);
    expect(sealed).not.toContain('8112189876');
    expect(sealed).not.toContain('811218');
    expect(sealed).not.toContain(Buffer.from(number).toString('base64url'));
    expect(sealed).not.toContain(Buffer.from(number).toString('base64url').slice(0, 12));
  });

  it('opens every number it seals, samordningsnummer included', () => {
    const v = vault();
    for (const n of ['198112189876', '191212121212', '198112789873', '200002291234']) {
      expect(v.open(v.seal(n))).toBe(n);
    }
  });

  it('refuses a value changed in any character of any part', () => {
    const v = vault();
    const sealed = v.seal(number);
    const parts = sealed.split('.');
    for (let partIndex = 1; partIndex < parts.length; partIndex++) {
      const length = parts[partIndex]?.length ?? 0;
      for (let charIndex = 0; charIndex < length; charIndex++) {
        const tampered = flipCharacter(sealed, partIndex, charIndex);
        expect(tampered).not.toBe(sealed);
        expect(() => v.open(tampered), `part ${partIndex}, character ${charIndex}`).toThrow();
      }
    }
  });

  it('refuses a changed version, missing, extra or swapped parts', () => {
    const v = vault();
    const sealed = v.seal(number);
    const other = v.seal('191212121212');
    const [, iv, tag, ciphertext] = sealed.split('.');
    const [, otherIv, otherTag, otherCiphertext] = other.split('.');
    for (const tampered of [
      `v2.${iv}.${tag}.${ciphertext}`,
      `V1.${iv}.${tag}.${ciphertext}`,
      `${iv}.${tag}.${ciphertext}`,
      `v1.${iv}.${tag}`,
      `v1.${iv}..${ciphertext}`,
      `${sealed}.`,
      `${sealed}.extra`,
      `v1.${otherIv}.${tag}.${ciphertext}`,
      `v1.${iv}.${otherTag}.${ciphertext}`,
      `v1.${iv}.${tag}.${otherCiphertext}`,
      `v1.${tag}.${iv}.${ciphertext}`,
      '',
      number,
    ]) {
      expect(() => v.open(tampered), tampered).toThrow();
    }
  });

  it('refuses a truncated authentication tag', () => {
    const v = vault();
    const [, iv, tag = '', ciphertext] = v.seal(number).split('.');
    const tagBytes = Buffer.from(tag, 'base64url');
    for (const length of [4, 8, 12, 15]) {
      const short = tagBytes.subarray(0, length).toString('base64url');
      expect(() => v.open(`v1.${iv}.${short}.${ciphertext}`), `${length}-byte tag`).toThrow();
    }
  });

  it('refuses a truncated or extended ciphertext', () => {
    const v = vault();
    const [, iv, tag, ciphertext = ''] = v.seal(number).split('.');
    const bytes = Buffer.from(ciphertext, 'base64url');
    const shorter = bytes.subarray(0, bytes.length - 1).toString('base64url');
    const longer = Buffer.concat([bytes, Buffer.from([0])]).toString('base64url');
    expect(() => v.open(`v1.${iv}.${tag}.${shorter}`)).toThrow();
    expect(() => v.open(`v1.${iv}.${tag}.${longer}`)).toThrow();
  });

  it('cannot be opened under another encryption key, even with the same HMAC secret', () => {
    const sealed = vault().seal(number);
    expect(() => vault().open(sealed)).toThrow();
  });

  it('opens under the same encryption key whatever the HMAC secret', () => {
    const key = generatePersonEncryptionKey();
    expect(vault(key, 'another-secret').open(vault(key).seal(number))).toBe(number);
  });
});

describe('PersonVault constructor', () => {
  it('accepts a 32-byte base64url key', () => {
    expect(() => vault(randomBytes(32).toString('base64url'))).not.toThrow();
    expect(generatePersonEncryptionKey()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(generatePersonEncryptionKey(), 'base64url')).toHaveLength(32);
  });

  it('refuses keys that are not 32 bytes', () => {
    for (const key of [
      '',
      randomBytes(16).toString('base64url'),
      randomBytes(31).toString('base64url'),
      randomBytes(33).toString('base64url'),
      randomBytes(64).toString('base64url'),
      // 32 bytes written in hex are 64 characters, which decode as 48 bytes of base64url.
      randomBytes(32).toString('hex'),
    ]) {
      expect(() => vault(key), `${key.length} characters`).toThrow(/32 bytes/);
    }
  });
});

describe('PersonVault.record', () => {
  it('carries the key, a sealed number, the kind, birth year and month and legal sex, nothing more', () => {
    const v = vault();
    // A samordningsnummer for a woman born in December 1981 (day 18 + 60, ninth digit 8).
    const person = parsedValue(parsePersonNumber('19811278-9881'));
    expect(person).toMatchObject({ kind: 'samordningsnummer', legalSex: 'female' });
    const record = v.record(person);
    expect(Object.keys(record).sort()).toEqual([
      'birthMonth',
      'birthYear',
      'legalSex',
      'numberKind',
      'personKey',
      'sealedNumber',
    ]);
    expect(record).toMatchObject({
      personKey: personKey(hmacSecret, '198112789881'),
      numberKind: 'samordningsnummer',
      birthYear: 1981,
      birthMonth: 12,
      legalSex: 'female',
    });
    expect(record.sealedNumber).not.toContain('8112789881');
    expect(v.open(record.sealedNumber)).toBe('198112789881');
  });

  it('reads the facts from the person it is given', () => {
    const v = vault();
    const man = parsedValue(parsePersonNumber('121212+1212', new Date('2026-01-01T00:00:00Z')));
    const record = v.record(man);
    expect(record).toMatchObject({
      personKey: v.keyOf('191212121212'),
      numberKind: 'personnummer',
      birthYear: 1912,
      birthMonth: 12,
      legalSex: 'male',
    });
    expect(v.open(record.sealedNumber)).toBe('191212121212');
  });
});
