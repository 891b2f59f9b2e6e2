import { findPersonalData, quarterOf, quartersBetween } from '@samsyn/domain';
import { testPersonnummer } from '@samsyn/testkit';
import { describe, expect, it } from 'vitest';

const kinds = (text: string, known: string[] = []) =>
  findPersonalData(text, known).map((f) => (f.kind === 'name' ? f.reason : f.valid ? 'valid' : 'invalid'));

describe('the anonymisation check (packages/domain findPersonalData)', () => {
  it('finds a personnummer or samordningsnummer in every written form', () => {
    const pnr = testPersonnummer().replace('-', '');
    const snr = testPersonnummer({ samordningsnummer: true }).replace('-', '');
    for (const written of [
      pnr,
      `${pnr.slice(0, 8)}-${pnr.slice(8)}`,
      pnr.slice(2),
      `${pnr.slice(2, 8)}-${pnr.slice(8)}`,
      `${pnr.slice(2, 8)} ${pnr.slice(8)}`,
      `${pnr.slice(0, 8)} ${pnr.slice(8)}`,
      snr,
    ]) {
      expect(kinds(`Ärendet gäller ${written}.`), written).toEqual(['valid']);
    }
    const wrongCheck = `${pnr.slice(0, 11)}${(Number(pnr[11]) + 1) % 10}`;
    expect(kinds(`Gäller ${wrongCheck}`)).toEqual(['invalid']);
  });

  it('leaves dates, amounts, ids and phone numbers alone', () => {
    expect(
      kinds(
        'Avslag 2015-03-12, 4 500 kr i månaden, dnr 2016-4711, ring 010-116 00 00, ' +
          'ärende 5d2a6c71-1b1e-4c7a-9d0e-2f3b4c5d6e7f, 50 % i 6 månader.',
      ),
    ).toEqual([]);
  });

  it('finds a common first name with a surname, hyphenated names, and -sson surnames', () => {
    expect(kinds('Anna Lind har sökt.')).toEqual(['first_and_last_name']);
    expect(kinds('Anna-Karin Ek har sökt.')).toEqual(['first_and_last_name']);
    expect(kinds('Mohamed Ali Hassan har sökt.')).toContain('first_and_last_name');
    expect(kinds('Hon heter Svensson.')).toEqual(['surname']);
  });

  it('does not take words for names: “Hans läkare”, “per vecka”, an agency after a name', () => {
    expect(kinds('Hans läkare skriver 50 % tre dagar per vecka. Per telefon gick det bra.')).toEqual([]);
    expect(kinds('Eva Försäkringskassan')).toEqual([]);
    expect(kinds('Lektion, Person, Sson')).toEqual([]);
  });

  it('finds a known full name in any case, but not a known first name alone', () => {
    expect(kinds('vi pratade med OMAR SAID i går', ['Omar Said'])).toEqual(['known_name']);
    expect(kinds('Greta tyckte att', ['Greta Wiklund'])).toEqual([]);
  });
});

describe('quarters', () => {
  it('names the quarter a date falls in, with its first and last day', () => {
    expect(quarterOf('2016-02-29')).toEqual({
      key: '2016_q1',
      label: '2016 K1',
      first: '2016-01-01',
      last: '2016-03-31',
    });
    expect(quarterOf('2015-12-31')).toMatchObject({
      key: '2015_q4',
      first: '2015-10-01',
      last: '2015-12-31',
    });
  });

  it('lists every quarter between two dates, across a year end', () => {
    expect(quartersBetween('2015-05-01', '2016-02-01').map((q) => q.label)).toEqual([
      '2015 K2',
      '2015 K3',
      '2015 K4',
      '2016 K1',
    ]);
  });
});
