/**
 * Party identifiers of the Finsam principals and the coordination associations.
 * Ids are stable, human-readable and never contain personal data, so they may appear in URLs and logs.
 */
export const partyKinds = ['kommun', 'region', 'fk', 'af', 'forbund'] as const;
export type PartyKind = (typeof partyKinds)[number];

/** Swedish names, for UI text and the glossary. */
export const partyKindLabels: Record<PartyKind, string> = {
  kommun: 'Kommun (socialtjänst)',
  region: 'Region (hälso- och sjukvård)',
  fk: 'Försäkringskassan',
  af: 'Arbetsförmedlingen',
  forbund: 'Samordningsförbund',
};

const partyIdPattern = /^(?:kommun:\d{4}|region:\d{2}|fk|af|forbund:[a-z0-9]+(?:-[a-z0-9]+)*)$/;

export function isPartyKind(value: string): value is PartyKind {
  return (partyKinds as readonly string[]).includes(value);
}

export const partyIdRegex = partyIdPattern;

export function isPartyId(value: string): boolean {
  return partyIdPattern.test(value);
}

/** The kind is the part before the colon; `fk` and `af` are both id and kind. */
export function partyKindOf(partyId: string): PartyKind | undefined {
  if (!isPartyId(partyId)) return undefined;
  const kind = partyId.split(':')[0];
  return partyKinds.find((k) => k === kind);
}
