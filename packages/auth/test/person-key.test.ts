import { describe, expect, it } from 'vitest';
import { personKey } from '../src/person-key';

describe('personKey', () => {
  it('is stable for one secret, differs across secrets, and does not contain the number', () => {
    const a = personKey('secret-a'.repeat(4), '198112189876');
    expect(personKey('secret-a'.repeat(4), '198112189876')).toBe(a);
    expect(personKey('secret-b'.repeat(4), '198112189876')).not.toBe(a);
    expect(a).not.toContain('8112189876');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
