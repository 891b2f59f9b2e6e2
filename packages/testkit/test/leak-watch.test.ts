import { describe, expect, it } from 'vitest';
import { leakedPersonNumbers, watchLogLines, watchPersonnummer } from '../src/leak-watch';

describe('the personnummer leak watch', () => {
  it('finds an issued number in a captured line in every written form, and forgets nothing', () => {
    const lines: string[] = [];
    watchLogLines(lines);
    watchPersonnummer('19850412-6122');
    expect(leakedPersonNumbers()).toEqual([]);
    for (const form of ['198504126122', '8504126122', '850412-6122', '19850412-6122']) {
      lines.push(`{"msg":"x","body":"${form}"}`);
      expect(leakedPersonNumbers()).toContain(form);
      lines.pop();
    }
    expect(leakedPersonNumbers()).toEqual([]);
  });
});
