import { describe, expect, it } from 'vitest';
import {
  ageAt,
  luhnValid,
  type ParseResult,
  parsePersonNumber,
  redactPersonNumbers,
} from '../src/personnummer';

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

/**
 * The check digit computed independently of the code under test: weights 2,1,2,1,… over the nine
 * digits YYMMDDNNN, products above 9 have their digits summed, and the check digit tops the sum up to a
 * multiple of ten.
 */
function checkDigit(nineDigits: string): string {
  if (!/^\d{9}$/.test(nineDigits)) throw new Error(`expected nine digits, got ${nineDigits}`);
  let sum = 0;
  for (const [i, char] of [...nineDigits].entries()) {
    const product = Number(char) * (i % 2 === 0 ? 2 : 1);
    sum += Math.floor(product / 10) + (product % 10);
  }
  return String((10 - (sum % 10)) % 10);
}

/** YYMMDD + serial (three digits) + the correct check digit. */
function withCheck(yymmdd: string, serial: string): string {
  return `${yymmdd}${serial}${checkDigit(`${yymmdd}${serial}`)}`;
}

function parsedValue(result: ParseResult) {
  if (!result.ok) throw new Error(`expected a valid number, got error ${result.error}`);
  return result.value;
}

describe('the test helper for check digits', () => {
  it('agrees with known-good numbers and with luhnValid', () => {
    expect(checkDigit('811218987')).toBe('6');
    expect(checkDigit('121212121')).toBe('2');
    expect(luhnValid('1212121212')).toBe(true);
    for (const nine of ['811218987', '000229123', '991231999', '450101000', '810278123']) {
      const digit = Number(checkDigit(nine));
      for (let candidate = 0; candidate <= 9; candidate++) {
        expect(luhnValid(`${nine}${candidate}`)).toBe(candidate === digit);
      }
    }
  });
});

describe('parsePersonNumber, written forms', () => {
  it('accepts every written form of one number and gives the same parts', () => {
    const ten = withCheck('450317', '238');
    const forms = [
      `${ten.slice(0, 6)}-${ten.slice(6)}`,
      ten,
      `19${ten.slice(0, 6)}-${ten.slice(6)}`,
      `19${ten}`,
      `  ${ten.slice(0, 6)}-${ten.slice(6)}\t`,
    ];
    for (const written of forms) {
      expect(parsePersonNumber(written, today)).toEqual({
        ok: true,
        value: {
          normalised: `19${ten}`,
          kind: 'personnummer',
          birthYear: 1945,
          birthMonth: 3,
          birthDay: 17,
          // serial 238: the ninth digit is 8
          legalSex: 'female',
        },
      });
    }
  });

  it('refuses shapes that are no written form', () => {
    for (const written of [
      '',
      '811218 9876',
      '811218_9876',
      '811218--9876',
      '81121898760',
      '1981121898760',
      '811218-987',
      '81-12-18-9876',
      '811218-98a6',
      '19811218+9876',
      '198112189876 extra',
    ]) {
      expect(parsePersonNumber(written, today), written).toEqual({ ok: false, error: 'format' });
    }
  });

  it('refuses every wrong check digit, and only those', () => {
    const nine = '811218987';
    const right = checkDigit(nine);
    for (let digit = 0; digit <= 9; digit++) {
      const written = `${nine.slice(0, 6)}-${nine.slice(6)}${digit}`;
      const parsed = parsePersonNumber(written, today);
      if (String(digit) === right) expect(parsed.ok).toBe(true);
      else expect(parsed).toEqual({ ok: false, error: 'checksum' });
    }
  });

  it('refuses a transposition of two digits that the check digit catches', () => {
    expect(parsePersonNumber('811218-9786', today)).toEqual({ ok: false, error: 'checksum' });
  });
});

describe('parsePersonNumber, dates', () => {
  it('refuses impossible dates even when the check digit is right', () => {
    for (const [yymmdd, label] of [
      ['810230', '30 February'],
      ['810229', '29 February in a common year'],
      ['811301', 'month 13'],
      ['810001', 'month 00'],
      ['811200', 'day 00'],
      ['811232', 'day 32'],
      ['810431', '31 April'],
    ] as const) {
      const ten = withCheck(yymmdd, '987');
      expect(luhnValid(ten), label).toBe(true);
      expect(parsePersonNumber(`19${ten}`, today), label).toEqual({ ok: false, error: 'date' });
      expect(parsePersonNumber(ten, today), label).toEqual({ ok: false, error: 'date' });
    }
  });

  it('knows the leap years, including the century rules', () => {
    expect(parsedValue(parsePersonNumber(`20${withCheck('000229', '123')}`, today))).toMatchObject({
      birthYear: 2000,
      birthMonth: 2,
      birthDay: 29,
    });
    expect(parsedValue(parsePersonNumber(`19${withCheck('840229', '123')}`, today)).birthDay).toBe(29);
    expect(parsePersonNumber(`19${withCheck('000229', '123')}`, today)).toEqual({ ok: false, error: 'date' });
    expect(parsePersonNumber(`18${withCheck('000229', '123')}`, today)).toEqual({ ok: false, error: 'date' });
  });

  it('refuses a twelve-digit number from year 0000 to 0099 rather than misreading it as 19xx', () => {
    expect(parsePersonNumber(`00${withCheck('811218', '987')}`, today)).toEqual({ ok: false, error: 'date' });
  });
});

describe('parsePersonNumber, samordningsnummer', () => {
  it('reads day + 60, keeps the written day in the normalised form and checks Luhn over it', () => {
    const ten = withCheck('811278', '987');
    const parsed = parsedValue(parsePersonNumber(`${ten.slice(0, 6)}-${ten.slice(6)}`, today));
    expect(parsed).toEqual({
      normalised: `19${ten}`,
      kind: 'samordningsnummer',
      birthYear: 1981,
      birthMonth: 12,
      birthDay: 18,
      legalSex: 'male',
    });
    // The check digit of the same serial over the real day 18 is a different digit, and is wrong here.
    const wrong = `811278987${checkDigit('811218987')}`;
    expect(wrong).not.toBe(ten);
    expect(parsePersonNumber(wrong, today)).toEqual({ ok: false, error: 'checksum' });
  });

  it('accepts the extremes 61 and 91 where the month has that day', () => {
    expect(parsedValue(parsePersonNumber(withCheck('810161', '234'), today))).toMatchObject({
      kind: 'samordningsnummer',
      birthDay: 1,
    });
    expect(parsedValue(parsePersonNumber(withCheck('811291', '234'), today))).toMatchObject({
      kind: 'samordningsnummer',
      birthDay: 31,
    });
    expect(parsedValue(parsePersonNumber(`20${withCheck('000289', '234')}`, today))).toMatchObject({
      kind: 'samordningsnummer',
      birthMonth: 2,
      birthDay: 29,
    });
  });

  it('refuses samordningsnummer whose real day is impossible', () => {
    for (const yymmdd of ['811292', '811191', '810289', '820289', '811260', '811299']) {
      const ten = withCheck(yymmdd, '234');
      expect(luhnValid(ten)).toBe(true);
      expect(parsePersonNumber(ten, today), yymmdd).toEqual({ ok: false, error: 'date' });
    }
  });
});

describe('parsePersonNumber, centuries', () => {
  const at2026 = new Date('2026-11-22T12:00:00Z');

  function yearOf(written: string, at: Date): number {
    return parsedValue(parsePersonNumber(written, at)).birthYear;
  }

  it('with `-` places the year within the last hundred years, this year included', () => {
    expect(yearOf(withCheck('260101', '123'), at2026)).toBe(2026);
    expect(yearOf(withCheck('270101', '123'), at2026)).toBe(1927);
    expect(yearOf(withCheck('000101', '123'), at2026)).toBe(2000);
    expect(yearOf(withCheck('990101', '123'), at2026)).toBe(1999);
    expect(yearOf(withCheck('811218', '987'), at2026)).toBe(1981);
  });

  it('with `+` goes back another hundred years', () => {
    const plus = (ten: string) => `${ten.slice(0, 6)}+${ten.slice(6)}`;
    expect(yearOf(plus(withCheck('260101', '123')), at2026)).toBe(1926);
    expect(yearOf(plus(withCheck('270101', '123')), at2026)).toBe(1827);
    expect(yearOf(plus(withCheck('990101', '123')), at2026)).toBe(1899);
    const parsed = parsedValue(parsePersonNumber(plus(withCheck('150704', '246')), at2026));
    expect(parsed.normalised).toBe(`19${withCheck('150704', '246')}`);
  });

  it('moves with `today`', () => {
    const ten = withCheck('010101', '123');
    expect(yearOf(ten, new Date('2000-06-01T00:00:00Z'))).toBe(1901);
    expect(yearOf(ten, new Date('2001-01-01T00:00:00Z'))).toBe(2001);
    expect(yearOf(ten, new Date('2101-06-01T00:00:00Z'))).toBe(2101);
    expect(yearOf(ten, new Date('2100-06-01T00:00:00Z'))).toBe(2001);
  });

  it('takes the century from a twelve-digit number whatever `today` is', () => {
    const twelve = `19${withCheck('010101', '123')}`;
    expect(yearOf(twelve, new Date('2000-06-01T00:00:00Z'))).toBe(1901);
    expect(yearOf(twelve, new Date('2090-06-01T00:00:00Z'))).toBe(1901);
    expect(yearOf(`20${withCheck('010101', '123')}`, new Date('2090-06-01T00:00:00Z'))).toBe(2001);
  });

  it('refuses `+` in the twelve-digit form, which already states the century', () => {
    const ten = withCheck('121212', '121');
    expect(parsePersonNumber(`19${ten.slice(0, 6)}+${ten.slice(6)}`, at2026)).toEqual({
      ok: false,
      error: 'format',
    });
    expect(parsePersonNumber(`19${ten.slice(0, 6)}-${ten.slice(6)}`, at2026).ok).toBe(true);
  });

  it('checks the date in the century it inferred', () => {
    // 29 February 1900 does not exist, 29 February 2000 does: `+` in 2026 points at 1900.
    const ten = withCheck('000229', '123');
    expect(yearOf(ten, at2026)).toBe(2000);
    expect(parsePersonNumber(`${ten.slice(0, 6)}+${ten.slice(6)}`, at2026)).toEqual({
      ok: false,
      error: 'date',
    });
  });
});

describe('parsePersonNumber, legal sex', () => {
  it('is male for an odd ninth digit and female for an even one', () => {
    for (let ninth = 0; ninth <= 9; ninth++) {
      const parsed = parsedValue(parsePersonNumber(withCheck('811218', `98${ninth}`), today));
      expect(parsed.legalSex, `ninth digit ${ninth}`).toBe(ninth % 2 === 1 ? 'male' : 'female');
    }
  });

  it('reads the ninth digit, not the check digit or the other serial digits', () => {
    // serial 111 (ninth digit odd) next to serial 998 (ninth digit even)
    expect(parsedValue(parsePersonNumber(withCheck('900505', '111'), today)).legalSex).toBe('male');
    expect(parsedValue(parsePersonNumber(withCheck('900505', '998'), today)).legalSex).toBe('female');
    expect(parsedValue(parsePersonNumber(withCheck('900565', '242'), today))).toMatchObject({
      kind: 'samordningsnummer',
      legalSex: 'female',
    });
  });
});

describe('ageAt', () => {
  const born = { birthYear: 1981, birthMonth: 12, birthDay: 18 };

  it('counts a year only from the birthday on', () => {
    expect(ageAt(born, new Date('2026-12-17T23:59:59Z'))).toBe(44);
    expect(ageAt(born, new Date('2026-12-18T00:00:00Z'))).toBe(45);
    expect(ageAt(born, new Date('2026-12-19T00:00:00Z'))).toBe(45);
    expect(ageAt(born, new Date('2026-01-01T00:00:00Z'))).toBe(44);
    expect(ageAt(born, new Date('2026-11-30T00:00:00Z'))).toBe(44);
    expect(ageAt(born, new Date('2027-01-01T00:00:00Z'))).toBe(45);
  });

  it('is zero until the first birthday', () => {
    expect(ageAt(born, new Date('1981-12-18T00:00:00Z'))).toBe(0);
    expect(ageAt(born, new Date('1982-12-17T00:00:00Z'))).toBe(0);
    expect(ageAt(born, new Date('1982-12-18T00:00:00Z'))).toBe(1);
  });

  it('reads the date in UTC', () => {
    // 00:30 on the birthday in Stockholm is still the day before in UTC.
    expect(ageAt(born, new Date('2026-12-18T00:30:00+01:00'))).toBe(44);
  });

  it('lets someone born on 29 February turn older on 1 March in common years, on 29 February in leap years', () => {
    const leapling = { birthYear: 2000, birthMonth: 2, birthDay: 29 };
    expect(ageAt(leapling, new Date('2023-02-28T00:00:00Z'))).toBe(22);
    expect(ageAt(leapling, new Date('2023-03-01T00:00:00Z'))).toBe(23);
    expect(ageAt(leapling, new Date('2024-02-28T00:00:00Z'))).toBe(23);
    expect(ageAt(leapling, new Date('2024-02-29T00:00:00Z'))).toBe(24);
    expect(ageAt(leapling, new Date('2100-02-28T00:00:00Z'))).toBe(99);
    expect(ageAt(leapling, new Date('2100-03-01T00:00:00Z'))).toBe(100);
  });

  it('works on a parsed samordningsnummer with the real day', () => {
    const parsed = parsedValue(parsePersonNumber(withCheck('811278', '987'), today));
    expect(ageAt(parsed, new Date('2026-12-17T00:00:00Z'))).toBe(44);
    expect(ageAt(parsed, new Date('2026-12-18T00:00:00Z'))).toBe(45);
  });
});

describe('redactPersonNumbers, more forms', () => {
  it('redacts samordningsnummer, `+` numbers and uses the given replacement', () => {
    expect(redactPersonNumbers('a 121212+1212 b', 'X')).toBe('a X b');
    expect(redactPersonNumbers('samordning 19811278-9873.')).toBe('samordning [personnummer].');
    expect(redactPersonNumbers('(8112189876)')).toBe('([personnummer])');
  });

  it('leaves digit runs that cannot be a number, or are embedded in longer runs', () => {
    for (const text of [
      'month 13: 811318-9876',
      'day 32: 811232-9876',
      'day 60: 811260-9876',
      'day 92: 811292-9876',
      'thirteen digits 1981121898760',
      'prefixed a8112189876',
      'suffixed 8112189876b',
    ]) {
      expect(redactPersonNumbers(text)).toBe(text);
    }
  });
});

describe('birth dates in the future', () => {
  it('are refused in the twelve-digit form; the ten-digit form means the century before', () => {
    const today = new Date('2026-11-22T00:00:00Z');
    // 31 December with a correct check digit: in 2026 the date has not happened yet.
    let check = 0;
    while (!luhnValid(`261231123${check}`)) check++;
    expect(parsePersonNumber(`20261231-123${check}`, today)).toEqual({ ok: false, error: 'date' });
    const tenDigit = parsePersonNumber(`261231-123${check}`, today);
    expect(tenDigit.ok && tenDigit.value.normalised).toBe(`19261231123${check}`);
    const hundred = parsePersonNumber(`261231+123${check}`, today);
    expect(hundred.ok && hundred.value.normalised).toBe(`18261231123${check}`);
  });
});
