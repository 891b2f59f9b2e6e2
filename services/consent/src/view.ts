import type { Consent, WithdrawalNotice } from '@samsyn/db';
import { consentState, type LegalBasis } from '@samsyn/domain';
import type { z } from '@samsyn/http';
import type { ConsentSchema } from './schemas';

export type ConsentView = z.infer<typeof ConsentSchema>;

/** How a stored consent is shown to a party named in it: never the person's or representative's number. */
export function consentView(row: Consent, notices: WithdrawalNotice[] = [], at = new Date()): ConsentView {
  return {
    id: row.id,
    state: consentState(row, at),
    givenBy: { kind: row.givenBy, representativeKind: row.representativeKind },
    parties: row.parties,
    categories: row.categories as ConsentView['categories'],
    purposes: row.purposes as ConsentView['purposes'],
    validFrom: row.validFrom.toISOString(),
    validUntil: row.validUntil.toISOString(),
    form: row.form,
    evidenceReference: row.evidenceReference,
    plainLanguageText: row.plainLanguageText,
    legalBasis: row.legalBasis as LegalBasis,
    recordedBy: { party: row.recordedByParty, officer: row.recordedByOfficer },
    recordedAt: row.recordedAt.toISOString(),
    revocation: row.revokedAt
      ? {
          revokedAt: row.revokedAt.toISOString(),
          party: row.revokedByParty,
          officer: row.revokedByOfficer,
          reason: row.revocationReason ?? '',
        }
      : null,
    withdrawalNotices: notices
      .filter((notice) => notice.consentId === row.id)
      .map((notice) => ({
        party: notice.partyId,
        notifiedAt: notice.notifiedAt.toISOString(),
        acknowledgedAt: notice.acknowledgedAt?.toISOString() ?? null,
      }))
      .sort((a, b) => (a.party < b.party ? -1 : 1)),
  };
}
