/**
 * Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer).
 * Pure parsing and validation; hashing and encryption happen at the edges that hold the keys.
 */
export type PersonNumberKind = 'personnummer' | 'samordningsnummer';

export interface PersonNumber {
  /** Twelve digits, YYYYMMDDNNNC, the form every hash and comparison uses. */
  normalised: string;
  kind: PersonNumberKind;
  birthYear: number;
  birthMonth: number;
  birthDay: number;
  /** The ninth digit: odd for men, even for women (legal sex as registered). */
  legalSex: 'male' | 'female';
}

export type PersonNumberError = 'format' | 'date' | 'checksum';

export type ParseResult = { ok: true; value: PersonNumber } | { ok: false; error: PersonNumberError };

const writtenForm = /^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$/;

/** Luhn over the ten digits YYMMDDNNNC: the check digit makes the weighted sum divisible by ten. */
export function luhnValid(tenDigits: string): boolean {
  let sum = 0;
  for (let i = 0; i < tenDigits.length; i++) {
    let d = Number(tenDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Parses a number as people write it: 10 or 12 digits, with or without `-`; `+` in the ten-digit form
 * means the person is 100 or older. `today` decides the century of ten-digit numbers.
 */
export function parsePersonNumber(input: string, today: Date = new Date()): ParseResult {
  const match = writtenForm.exec(input.trim());
  if (!match) return { ok: false, error: 'format' };
  const [, century, yy, mm, dd, separator, serial, check] = match as unknown as [
    string,
    string | undefined,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (century !== undefined && separator === '+') return { ok: false, error: 'format' };

  const rawDay = Number(dd);
  const kind: PersonNumberKind = rawDay > 60 ? 'samordningsnummer' : 'personnummer';
  const day = kind === 'samordningsnummer' ? rawDay - 60 : rawDay;
  const month = Number(mm);
  const bornAfterToday = (y: number) => Date.UTC(y, month - 1, day) > today.getTime();

  let year: number;
  if (century !== undefined) {
    year = Number(century + yy);
  } else {
    // The ten-digit form names the latest birth date not after today; `+` a hundred years before it.
    const thisYear = today.getUTCFullYear();
    year = thisYear - ((thisYear - Number(yy)) % 100);
    if (bornAfterToday(year)) year -= 100;
    if (separator === '+') year -= 100;
  }
  if (!isRealDate(year, month, day) || bornAfterToday(year)) return { ok: false, error: 'date' };
  if (!luhnValid(`${yy}${mm}${dd}${serial}${check}`)) return { ok: false, error: 'checksum' };

  const ninthDigit = Number(serial[2]);
  return {
    ok: true,
    value: {
      normalised: `${year}${mm}${dd}${serial}${check}`,
      kind,
      birthYear: year,
      birthMonth: month,
      birthDay: day,
      legalSex: ninthDigit % 2 === 1 ? 'male' : 'female',
    },
  };
}

/** Whole years of age on `date` (UTC); a person born on 29 February turns a year older on 1 March. */
export function ageAt(
  person: Pick<PersonNumber, 'birthYear' | 'birthMonth' | 'birthDay'>,
  date: Date,
): number {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  const hadBirthday = month > person.birthMonth || (month === person.birthMonth && day >= person.birthDay);
  return year - person.birthYear - (hadBirthday ? 0 : 1);
}

/**
 * Anything in free text that looks like a personnummer or samordningsnummer in one of the accepted
 * written forms: a plausible month and day (day + 60 for samordningsnummer), not inside a longer run of
 * letters or digits (so ids and hex hashes survive). It over-matches on purpose: redacting a number
 * that merely looks like one is cheaper than a leak.
 */
export const personNumberLike =
  /(?<![\dA-Za-z])(?:(?:19|20)\d{2}|\d{2})(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])[-+]?\d{4}(?![\dA-Za-z])/g;

export function redactPersonNumbers(text: string, replacement = '[personnummer]'): string {
  return text.replace(personNumberLike, replacement);
}
