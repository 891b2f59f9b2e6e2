import { loadAccessFacts, type SqlClient } from '@samsyn/db';
import { isSignalRuleId, ruleCoverage, ruleOf } from '@samsyn/domain';
import { legalBasisOf } from './audit';

/** What reading a signal's person rests on now: the consents, their legal basis, what it discloses. */
export interface SignalDisclosure {
  purpose: string;
  consentIds: string[];
  legalBasis: string | null;
  categories: string[];
}

/**
 * Whether the party may see who a signal is about, now: the consents must still let it read every
 * category the rule read (for the SIP rule: the referenced SIP still open, with the party taking part
 * under the SIP's consent). Decided inside the reading transaction, as for any status query, so a
 * withdrawal committed before it is always seen.
 */
export async function signalDisclosure(
  sql: SqlClient,
  signal: { personKey: string; partyId: string; ruleId: string; references: { sipId?: string } },
  now: Date,
): Promise<SignalDisclosure | null> {
  if (!isSignalRuleId(signal.ruleId)) return null;
  const facts = await loadAccessFacts(sql, {
    personKey: signal.personKey,
    requester: signal.partyId,
    at: now,
    withStatuses: false,
  });
  const coverage = ruleCoverage(signal.ruleId, { party: signal.partyId, consents: facts.consents, at: now });
  if (!coverage.covered) return null;
  let consentIds = coverage.consentIds;
  const definition = ruleOf(signal.ruleId);
  if (definition.sips === 'participating') {
    const sipId = signal.references.sipId ?? '';
    const [sip] = await sql<Array<{ consentId: string }>>`
      select consent_id as "consentId" from sips
      where id = ${sipId}::uuid and closed_at is null and ${signal.partyId} = any(participants)`;
    if (!sip || !consentIds.includes(sip.consentId)) return null;
    consentIds = [sip.consentId];
  }
  return {
    purpose: definition.purpose,
    consentIds,
    legalBasis: legalBasisOf(facts.consents, consentIds),
    categories: [...definition.reads],
  };
}

/**
 * After a förbund changes a rule's thresholds, marks for evaluation every person the change can
 * affect: those with an open signal of the rule or with a time condition pending, who have a consent
 * naming a member of the förbund. The change loop then evaluates them within seconds; nothing else
 * needs to restart or reload.
 */
export async function markThresholdChange(
  sql: SqlClient,
  forbundId: string,
  ruleId: string,
): Promise<number> {
  const marked = await sql`
    insert into signal_changes (person_key)
    select distinct k.person_key from (
      select person_key from signal_schedule
      union
      select person_key from signals where rule_id = ${ruleId} and cleared_at is null
    ) k
    where exists (
      select 1 from consents c join parties f on f.id = ${forbundId}
      where c.person_key = k.person_key and c.parties && f.member_ids
        and c.revoked_at is null and c.valid_until > now())
    order by k.person_key
    on conflict (person_key) do nothing
    returning person_key`;
  return marked.length;
}
