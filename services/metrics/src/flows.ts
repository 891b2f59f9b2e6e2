import type { Db } from '@samsyn/db';
import { closureReasonLabels, closureReasons, type coordinationOrigins, median } from '@samsyn/domain';
import type { FiguresScope } from '@samsyn/http';
import { sql } from 'drizzle-orm';
import { countBy, ReportBuilder } from './report';

export const flowDefinitions = {
  population:
    'Personer med ett giltigt samtycke till uppföljning som namnger förbundet och som har haft ekonomiskt ' +
    'bistånd från en medlemskommun.',
  sip: 'SIP:ar öppnade och avslutade under perioden; möten som hölls (planerade, inte inställda, med starttid i perioden); kallelser levererade och besvarade under perioden.',
  firstMeeting:
    'Median antal dagar från att SIP:en öppnades (behovet registrerades) till det första mötet, för SIP:ar öppnade under perioden.',
  coordination:
    'Samordningsärenden hos FK: ansökta under perioden efter vem som tog initiativet, avslutade under perioden, och av dem avslutade med återvunnen arbetsförmåga.',
};

const originLabels: Record<(typeof coordinationOrigins)[number], string> = {
  kommun: 'Via kommunen',
  fk: 'Via Försäkringskassan',
  own_application: 'Egen ansökan',
  other: 'Annat',
};

/** Activity in [from, to] (dates inclusive) among the people the förbund may count. */
export async function flowTables(db: Db, scope: FiguresScope, from: string, to: string, threshold: number) {
  const kommuner = scope.kommunIds.join(',');
  const population = sql`
    select distinct c.person_key
    from consents c
    where 'follow_up' = any(c.purposes) and ${scope.forbundId} = any(c.parties) and 'assistance' = any(c.categories)
      and c.valid_from <= now() and c.valid_until > now() and (c.revoked_at is null or c.revoked_at > now())
      and exists (select 1 from status_events e where e.person_key = c.person_key and e.category = 'assistance'
                  and e.party_id = any(string_to_array(${kommuner}, ',')))`;
  const start = sql`${from}::date`;
  const end = sql`(${to}::date + 1)`;
  const [activity] = await db.execute<{
    people: number;
    opened: number;
    closed: number;
    held: number;
    delivered: number;
    answered: number;
  }>(sql`
    with population as (${population})
    select
      (select count(*) from population)::int as people,
      (select count(*) from sips s join population p using (person_key) where s.opened_at >= ${start} and s.opened_at < ${end})::int as opened,
      (select count(*) from sips s join population p using (person_key) where s.closed_at >= ${start} and s.closed_at < ${end})::int as closed,
      (select count(*) from meetings m join sips s on s.id = m.sip_id join population p using (person_key)
        where m.status = 'scheduled' and m.starts_at >= ${start} and m.starts_at < ${end} and m.starts_at < now())::int as held,
      (select count(*) from deliveries d join sips s on s.id = d.sip_id join population p using (person_key)
        where d.event_type = 'invitation.created' and d.state = 'delivered' and d.delivered_at >= ${start} and d.delivered_at < ${end})::int as delivered,
      (select count(*) from invitations i join sips s on s.id = i.sip_id join population p using (person_key)
        where i.responded_at >= ${start} and i.responded_at < ${end})::int as answered`);
  const closures = await db.execute<{ reason: string }>(sql`
    with population as (${population})
    select s.closure_reason as reason from sips s join population p using (person_key)
    where s.closed_at >= ${start} and s.closed_at < ${end}`);
  const firstMeetings = await db.execute<{ days: number }>(sql`
    with population as (${population})
    select extract(epoch from (min(m.starts_at) - s.opened_at)) / 86400 as days
    from sips s join population p using (person_key) join meetings m on m.sip_id = s.id and m.status = 'scheduled'
    where s.opened_at >= ${start} and s.opened_at < ${end}
    group by s.id, s.opened_at`);
  const coordination = await db.execute<{
    samordning: string;
    raised_by: string | null;
    closed_with: string | null;
  }>(sql`
    with population as (${population})
    select e.data->>'samordning' as samordning, e.data->>'raisedBy' as raised_by, e.data->>'closedWith' as closed_with
    from status_events e join population p using (person_key)
    where e.category = 'coordination' and e.effective_date >= ${start} and e.effective_date < ${end}`);

  const report = new ReportBuilder(threshold);
  const counts = activity ?? { people: 0, opened: 0, closed: 0, held: 0, delivered: 0, answered: 0 };
  report.overlapping({
    key: 'sip_activity',
    title: 'SIP under perioden',
    base: counts.people,
    cells: [
      { key: 'sips_opened', label: 'SIP:ar öppnade', count: counts.opened },
      { key: 'sips_closed', label: 'SIP:ar avslutade', count: counts.closed },
      { key: 'meetings_held', label: 'Möten hållna', count: counts.held },
      { key: 'invitations_delivered', label: 'Kallelser levererade', count: counts.delivered },
      { key: 'invitations_answered', label: 'Kallelser besvarade', count: counts.answered },
    ],
  });
  // Counts of SIPs, meetings and invitations are not parts of the people counted: no share of them.
  const activityTable = report.tables.at(-1);
  if (activityTable) for (const cell of activityTable.cells) cell.share = null;
  report.additive({
    key: 'sips_closed_by_reason',
    title: 'Avslutade SIP:ar efter orsak',
    total: closures.length,
    cells: countBy(
      [...closures],
      Object.fromEntries(closureReasons.map((r) => [r, closureReasonLabels[r]])),
      (r) => r.reason,
    ),
  });
  const applied = [...coordination].filter((row) => row.samordning === 'applied');
  report.additive({
    key: 'coordination_opened',
    title: 'Samordningsärenden ansökta efter initiativ',
    total: applied.length,
    cells: countBy(applied, originLabels, (row) => row.raised_by ?? 'other'),
  });
  const closedCases = [...coordination].filter((row) => row.samordning === 'closed');
  report.overlapping({
    key: 'coordination_closed',
    title: 'Samordningsärenden avslutade',
    base: closedCases.length,
    cells: [
      {
        key: 'regained_work_capacity',
        label: 'Avslutade med återvunnen arbetsförmåga',
        count: closedCases.filter((row) => row.closed_with === 'regained_work_capacity').length,
      },
    ],
  });
  const days = [...firstMeetings].map((row) => Number(row.days));
  const statistics = [
    {
      key: 'median_days_to_first_meeting',
      label: 'Median dagar från behov till första möte',
      // How many people the median is of is itself a count: published under the same rule as a cell.
      n: days.length === 0 || days.length >= threshold ? days.length : null,
      // A median of fewer people than the threshold describes individuals: it is not published.
      value: days.length >= threshold ? median(days) : null,
    },
  ];
  return { tables: report.tables, statistics };
}
