import { randomInt } from 'node:crypto';
import { luhnValid, parsePersonNumber } from '@samsyn/domain';

/**
 * A fresh, valid personnummer of working age for each run, so the demo can run again and again on
 * the same database without meeting its earlier consents. Days 1–28 keep every date real.
 */
export function demoPersonnummer(birthYear = 1965 + randomInt(36)): string {
  for (;;) {
    const yymmdd = `${String(birthYear).slice(2)}${String(1 + randomInt(12)).padStart(2, '0')}${String(
      1 + randomInt(28),
    ).padStart(2, '0')}`;
    const nine = `${yymmdd}${String(randomInt(1000)).padStart(3, '0')}`;
    for (let check = 0; check < 10; check++) {
      const written = `${String(birthYear).slice(0, 2)}${yymmdd}-${nine.slice(6)}${check}`;
      if (luhnValid(`${nine}${check}`) && parsePersonNumber(written).ok) return written;
    }
  }
}
