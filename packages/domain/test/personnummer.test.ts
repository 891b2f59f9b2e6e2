import { describe, expect, it } from 'vitest';
import { luhnValid, parsePersonNumber, redactPersonNumbers } from '../src/personnummer';

const today = new Date('2026-11-22T00:00:00Z');

describe('parsePersonNumber', () => {
  it('accepts the written forms and normalises to twelve digits', () => {
    for (const written of ['811218-9876', '8112189876', '19811218-9876', '198112189876']) {
      const parsed = parsePersonNumber(written, today);
      expect(parsed).toMatchObject({ ok: true, value: { normalised: '198112189876', kind: 'personnummer' } });
    }
  });

  it('reads the century from the separator: + means a hundred years or older', () => {
    const plus = parsePersonNumber('121212+1212', today);
    expect(plus.ok && plus.value.normalised).toBe('191212121212');
    const minus = parsePersonNumber('121212-1212', today);
    expect(minus.ok && minus.value.normalised).toBe('201212121212');
  });

  it('recognises a samordningsnummer by day + 60', () => {
    const parsed = parsePersonNumber('701063-2391', today);
    expect(parsed).toMatchObject({ ok: true, value: { kind: 'samordningsnummer', birthDay: 3 } });
  });

  it('derives legal sex from the ninth digit', () => {
    const male = parsePersonNumber('811218-9876', today);
    expect(male.ok && male.value.legalSex).toBe('male');
    const female = parsePersonNumber('19121212-1212', today);
    expect(female.ok && female.value.legalSex).toBe('male');
  });

  it('rejects a wrong check digit, an impossible date and garbage, saying which', () => {
    expect(parsePersonNumber('811218-9875', today)).toEqual({ ok: false, error: 'checksum' });
    expect(parsePersonNumber('810230-9870', today)).toEqual({ ok: false, error: 'date' });
    expect(parsePersonNumber('81121-98765', today)).toEqual({ ok: false, error: 'format' });
    expect(parsePersonNumber('19811218+9876', today)).toEqual({ ok: false, error: 'format' });
  });

  it('implements Luhn as the Tax Agency describes it', () => {
    expect(luhnValid('8112189876')).toBe(true);
    expect(luhnValid('8112189877')).toBe(false);
  });
});

describe('redactPersonNumbers', () => {
  it('redacts every written form inside text and leaves other numbers alone', () => {
    const line = 'pnr 811218-9876 and 198112189876 and 8112189876, order 12345';
    expect(redactPersonNumbers(line)).toBe(
      'pnr [personnummer] and [personnummer] and [personnummer], order 12345',
    );
  });
});

describe('redactPersonNumbers and ids', () => {
  it('leaves request ids and hashes alone when digits are embedded in them', () => {
    const id = 'b3ab3500-bd2e-4d7b-b76d-a5347110500a';
    expect(redactPersonNumbers(id)).toBe(id);
    expect(redactPersonNumbers('x=19811218-9876&y=1')).toBe('x=[personnummer]&y=1');
    expect(redactPersonNumbers('/v1/people/701063-2391')).toBe('/v1/people/[personnummer]');
  });
});
