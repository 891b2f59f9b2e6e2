import type { Db } from '@samsyn/db';
import { assistanceClosureReasons, type Outcome, outcomeAt, type TargetGroupRow } from '@samsyn/domain';
import type { FiguresScope } from '@samsyn/http';
import { peopleAt } from './people';
import { ReportBuilder } from './report';

const reasonLabels: Record<(typeof assistanceClosureReasons)[number], string> = {
  self_supporting_work: 'Självförsörjande: arbete',
  self_supporting_studies: 'Självförsörjande: studier',
  self_supporting_compensation: 'Självförsörjande: sjuk- eller aktivitetsersättning',
  self_supporting_other_benefit: 'Självförsörjande: annan ersättning',
  moved: 'Självförsörjande: flyttat',
  continued_with_compensation: 'Avslutat med fortsatt bistånd: med ersättning',
  continued_reduced_capacity_without_compensation:
    'Avslutat med fortsatt bistånd: varaktigt nedsatt förmåga utan rätt till ersättning',
  continued_other: 'Avslutat med fortsatt bistånd: annat',
};

export const outcomeDefinitions = {
  baseline: 'Utgångsgruppen: målgruppen vid baslinjedatumet (samma definition som i målgruppstabellen).',
  closed:
    'Avslutad: kommunens senaste status vid uppföljningsdatumet är ett avslutat bistånd, med kommunens ' +
    'registrerade orsak. Öppen: fortfarande aktivt bistånd.',
  split:
    'Uppdelningar: med eller utan SIP vid baslinjen, kvarstående eller nya, mer än två år med bistånd vid baslinjen.',
};

/** Where each person of the baseline group stands at the follow-up date. */
export async function outcomesOf(
  db: Db,
  scope: FiguresScope,
  baseline: Map<string, TargetGroupRow>,
  followUp: string,
) {
  const later = await peopleAt(db, scope, followUp, [...baseline.keys()]);
  const outcomes = new Map<string, Outcome>();
  for (const key of baseline.keys()) {
    const person = later.get(key);
    // Without a status at the follow-up date (a withdrawn consent), the person is no longer counted.
    if (person) outcomes.set(key, outcomeAt(person));
  }
  return outcomes;
}

function outcomeCells(outcomes: Outcome[]) {
  const closed = outcomes.filter((o) => o.state === 'closed');
  return [
    {
      key: 'self_supporting',
      label: 'Avslutad, självförsörjande',
      count: closed.filter((o) => o.group === 'self_supporting').length,
    },
    {
      key: 'continued_assistance',
      label: 'Avslutad med fortsatt bistånd',
      count: closed.filter((o) => o.group === 'continued_assistance').length,
    },
    { key: 'open', label: 'Fortfarande öppen', count: outcomes.length - closed.length },
  ];
}

export function outcomeTables(
  baseline: Map<string, TargetGroupRow>,
  outcomes: Map<string, Outcome>,
  previous: Set<string> | undefined,
  threshold: number,
) {
  const report = new ReportBuilder(threshold);
  const all = [...outcomes.values()];
  report.additive({
    key: 'outcome',
    title: 'Utfall vid uppföljningen',
    total: all.length,
    cells: outcomeCells(all),
  });
  const closed = all.filter((o): o is Extract<Outcome, { state: 'closed' }> => o.state === 'closed');
  report.additive({
    key: 'closure_reason',
    title: 'Avslutade efter orsak',
    total: closed.length,
    cells: assistanceClosureReasons.map((reason) => ({
      key: reason,
      label: reasonLabels[reason],
      count: closed.filter((o) => o.reason === reason).length,
    })),
  });
  const splits: Array<[string, string, (key: string, row: TargetGroupRow) => boolean]> = [
    ['with_sip', 'Med SIP vid baslinjen', (_key, row) => row.hasSip],
    ['without_sip', 'Utan SIP vid baslinjen', (_key, row) => !row.hasSip],
    ['over_two_years', 'Mer än två år med bistånd', (_key, row) => row.overTwoYears],
    ['two_years_or_less', 'Högst två år med bistånd', (_key, row) => !row.overTwoYears],
  ];
  if (previous) {
    splits.push(['remaining', 'Kvarstående från föregående kartläggning', (key) => previous.has(key)]);
    splits.push(['new', 'Nya vid baslinjen', (key) => !previous.has(key)]);
  }
  for (const [key, title, belongs] of splits) {
    const part: Outcome[] = [];
    for (const [person, outcome] of outcomes) {
      const row = baseline.get(person);
      if (row && belongs(person, row)) part.push(outcome);
    }
    report.additive({
      key: `outcome_${key}`,
      title: `Utfall: ${title}`,
      total: part.length,
      cells: outcomeCells(part),
    });
  }
  return report.tables;
}
