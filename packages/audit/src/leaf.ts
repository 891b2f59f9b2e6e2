import type { AuditRecord } from '@samsyn/db';

/** JSON with object keys sorted at every level: the same record always gives the same bytes. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The bytes an access-log entry is sealed as: every field that says who did what to whom, when and on
 * what grounds, and its position. Changing, moving or removing an entry changes these bytes or the
 * sequence they stand in, and with them the tree's root.
 */
export function leafBytes(record: AuditRecord): Uint8Array {
  return new TextEncoder().encode(
    canonical({
      seq: record.seq,
      at: record.at,
      action: record.action,
      partyId: record.partyId,
      officerId: record.officerId,
      actorPersonKey: record.actorPersonKey,
      personKey: record.personKey,
      purpose: record.purpose,
      legalBasis: record.legalBasis,
      consentIds: record.consentIds,
      statutoryBasisIds: record.statutoryBasisIds,
      categories: record.categories,
      requestId: record.requestId,
      details: record.details,
    }),
  );
}
