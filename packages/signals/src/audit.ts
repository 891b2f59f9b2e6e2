import {
  type AuditAction,
  type AuditEntry,
  auditInsertFromJson,
  auditRowsJson,
  type SqlClient,
} from '@samsyn/db';

/**
 * The access-log actions of signals. `signal.evaluated`: Samsyn read the person's statuses on behalf
 * of the party a signal would inform (officer `samsyn:signals`). `signal.read`: the party read a
 * signal with the person's personnummer. `signal.acknowledged`: the party recorded what it did.
 */
export type SignalAuditAction = Extract<AuditAction, `signal.${string}`>;

/** The officer of entries Samsyn writes itself when it evaluates rules for a party. */
export const signalsOfficer = 'samsyn:signals';

export type SignalAuditEntry = AuditEntry & { action: SignalAuditAction };

/** Appends to the access log in the caller's transaction, with the prepared insert every audited read uses. */
export async function appendSignalAudit(sql: SqlClient, entries: readonly SignalAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await sql.unsafe(auditInsertFromJson, [auditRowsJson(entries)], { prepare: true });
}

/** The legal bases of the consents relied on, as the exchange records them. */
export function legalBasisOf(
  consents: ReadonlyArray<{ id: string; legalBasis?: string | undefined }>,
  relied: readonly string[],
): string | null {
  const bases = new Set<string>();
  for (const consent of consents)
    if (relied.includes(consent.id) && consent.legalBasis) bases.add(consent.legalBasis);
  return bases.size > 0 ? [...bases].sort().join('; ') : null;
}
