import { describe, expect, it } from 'vitest';
import { isPartyId, partyKindOf } from '../src/parties';
import { parseScopeString, scopesByPartyKind } from '../src/scopes';

describe('party ids', () => {
  it('accepts the four principals and förbund, and nothing else', () => {
    expect(['kommun:1281', 'region:12', 'fk', 'af', 'forbund:ostra-ostergotland'].every(isPartyId)).toBe(
      true,
    );
    expect(
      ['kommun:128', 'region:123', 'FK', 'forbund:', 'forbund:Lund', 'kommun:1281/x'].some(isPartyId),
    ).toBe(false);
  });

  it('names the kind', () => {
    expect(partyKindOf('kommun:0581')).toBe('kommun');
    expect(partyKindOf('fk')).toBe('fk');
    expect(partyKindOf('nobody')).toBeUndefined();
  });
});

describe('scopes', () => {
  it('never lets a förbund read individuals', () => {
    expect(scopesByPartyKind.forbund).not.toContain('status:read');
  });
  it('splits a scope string, dropping repeats and empty parts', () => {
    expect(parseScopeString('whoami  status:read whoami')).toEqual(['whoami', 'status:read']);
    expect(parseScopeString(undefined)).toEqual([]);
  });
});
