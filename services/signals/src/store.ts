import type { Signal, SqlClient } from '@samsyn/db';
import { ProblemError } from '@samsyn/http';

interface SignalJson {
  id: string;
  person_key: string;
  rule_id: string;
  party_id: string;
  purpose: string;
  categories: string[];
  consent_ids: string[];
  forbund_id: string | null;
  thresholds: Record<string, number>;
  condition_since: string;
  references: { sipId?: string };
  state: Signal['state'];
  raised_at: string;
  cleared_at: string | null;
  cleared_because: Signal['clearedBecause'];
  acknowledged_at: string | null;
  acknowledgement_outcome: Signal['acknowledgementOutcome'];
  acknowledgement_reason: string | null;
  acknowledged_by_officer: string | null;
  updated_at: string;
}

const date = (value: string | null) => (value === null ? null : new Date(value));

function fromJson(row: SignalJson): Signal {
  return {
    id: row.id,
    personKey: row.person_key,
    ruleId: row.rule_id,
    partyId: row.party_id,
    purpose: row.purpose,
    categories: row.categories,
    consentIds: row.consent_ids,
    forbundId: row.forbund_id,
    thresholds: row.thresholds,
    conditionSince: row.condition_since,
    references: row.references,
    state: row.state,
    raisedAt: new Date(row.raised_at),
    clearedAt: date(row.cleared_at),
    clearedBecause: row.cleared_because,
    acknowledgedAt: date(row.acknowledged_at),
    acknowledgementOutcome: row.acknowledgement_outcome,
    acknowledgementReason: row.acknowledgement_reason,
    acknowledgedByOfficer: row.acknowledged_by_officer,
    updatedAt: new Date(row.updated_at),
  };
}

/**
 * The caller's own signal, in the caller's postgres.js transaction (the path that also checks
 * consent and writes the access log). Someone else's signal and a missing one are the same 404.
 */
export async function ownSignal(
  sql: SqlClient,
  id: string,
  partyId: string,
  options: { forUpdate?: boolean } = {},
): Promise<Signal> {
  const [row] = options.forUpdate
    ? await sql<Array<{ signal: SignalJson }>>`
        select row_to_json(s) as signal from signals s where s.id = ${id} and s.party_id = ${partyId} for update`
    : await sql<Array<{ signal: SignalJson }>>`
        select row_to_json(s) as signal from signals s where s.id = ${id} and s.party_id = ${partyId}`;
  if (!row) throw new ProblemError('not-found', 'no such signal');
  return fromJson(row.signal);
}
