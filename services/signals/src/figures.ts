import type { Db } from '@samsyn/db';
import {
  median,
  type PublishedOverlappingSet,
  ruleOf,
  signalRuleIds,
  suppressOverlapping,
} from '@samsyn/domain';
import type { FiguresScope } from '@samsyn/http';
import { sql } from 'drizzle-orm';

export const figureDefinitions = {
  population:
    'Personer med ett giltigt samtycke till uppföljning som namnger förbundet och som har haft ekonomiskt bistånd ' +
    'från en medlemskommun — samma urval som förbundets övriga uppföljning.',
  raised:
    'Personer med minst en signal som väcktes under perioden, per regel. En person räknas en gång per regel även om ' +
    'flera parter fick signalen.',
  acknowledged:
    'Av dem: personer där någon part har kvitterat en signal (åtgärdat eller inte aktuellt, den senaste kvittensen ' +
    'räknas), där någon har åtgärdat, och där signalens villkor har upphört.',
  clearing:
    'Median antal dagar från att en signal väcktes till att dess villkor upphörde, för signaler väckta under ' +
    'perioden som har upphört; signaler som stängdes för att samtycket upphörde räknas inte.',
};

type SignalFact = {
  person_key: string;
  rule_id: string;
  acknowledged: boolean;
  acted: boolean;
  not_relevant: boolean;
  condition_cleared: boolean;
  days_to_clearing: number | null;
};

/** Signals raised in [from, to] (days inclusive) about the people the förbund may count, suppressed. */
export async function signalFigures(
  db: Db,
  scope: FiguresScope,
  from: string,
  to: string,
  threshold: number,
) {
  const kommuner = scope.kommunIds.join(',');
  const rows = await db.execute<SignalFact>(sql`
    with population as (
      select distinct c.person_key
      from consents c
      where 'follow_up' = any(c.purposes) and ${scope.forbundId} = any(c.parties) and 'assistance' = any(c.categories)
        and c.valid_from <= now() and c.valid_until > now() and (c.revoked_at is null or c.revoked_at > now())
        and exists (select 1 from status_events e where e.person_key = c.person_key and e.category = 'assistance'
                    and e.party_id = any(string_to_array(${kommuner}, ',')))
    )
    select s.person_key, s.rule_id,
           s.acknowledged_at is not null as acknowledged,
           s.acknowledgement_outcome = 'acted' as acted,
           s.acknowledgement_outcome = 'not_relevant' as not_relevant,
           s.cleared_because = 'condition_cleared' as condition_cleared,
           case when s.cleared_because = 'condition_cleared'
                then extract(epoch from (s.cleared_at - s.raised_at)) / 86400 end as days_to_clearing
    from signals s join population p using (person_key)
    where s.raised_at >= ${from}::date and s.raised_at < (${to}::date + 1)`);
  const facts = [...rows];
  const people = (list: SignalFact[], test: (row: SignalFact) => boolean = () => true) =>
    new Set(list.filter(test).map((row) => row.person_key)).size;
  const tables: Array<{ type: 'overlapping' } & PublishedOverlappingSet> = [];
  const overlapping = (set: Parameters<typeof suppressOverlapping>[0]) =>
    tables.push({ type: 'overlapping', ...suppressOverlapping(set, threshold) });

  overlapping({
    key: 'signals_raised',
    title: 'Personer med signal under perioden, per regel',
    base: people(facts),
    cells: signalRuleIds.map((rule) => ({
      key: rule,
      label: ruleOf(rule).title.sv,
      count: people(facts, (row) => row.rule_id === rule),
    })),
  });
  const statistics = [];
  for (const rule of signalRuleIds) {
    const ofRule = facts.filter((row) => row.rule_id === rule);
    overlapping({
      key: `signals_${rule}`,
      title: ruleOf(rule).title.sv,
      base: people(ofRule),
      cells: [
        { key: 'acknowledged', label: 'Kvitterade', count: people(ofRule, (row) => row.acknowledged) },
        { key: 'acted', label: 'Åtgärdade', count: people(ofRule, (row) => row.acted) },
        { key: 'not_relevant', label: 'Inte aktuella', count: people(ofRule, (row) => row.not_relevant) },
        {
          key: 'condition_cleared',
          label: 'Villkoret upphörde',
          count: people(ofRule, (row) => row.condition_cleared),
        },
      ],
    });
    const cleared = ofRule.filter((row) => row.days_to_clearing !== null);
    const days = cleared.map((row) => Number(row.days_to_clearing));
    // A median describes the people behind it: published only when they are enough not to be singled out.
    const n = people(cleared);
    statistics.push({
      key: `median_days_to_clearing_${rule}`,
      label: `Median dagar till att villkoret upphörde: ${ruleOf(rule).title.sv}`,
      n: n === 0 || n >= threshold ? n : null,
      value: n >= threshold ? Math.round((median(days) ?? 0) * 10) / 10 : null,
    });
  }
  return { tables, statistics };
}
