import { raw } from 'hono/html';
import type { PublishedTable } from '../report';
import { barChart, chartDescription } from './chart';

const numberFormat = new Intl.NumberFormat('sv-SE');
const percentFormat = new Intl.NumberFormat('sv-SE', { style: 'percent', maximumFractionDigits: 0 });

/** How a suppressed figure reads on screen and in the chart: the threshold, not the hidden count. */
export const suppressedLabel = (threshold: number) => `<${threshold}`;

function Count({ count, threshold }: { count: number | null; threshold: number }) {
  if (count === null) {
    return (
      <span class="suppressed">
        {suppressedLabel(threshold)}
        <span class="visually-hidden"> (dolt för att skydda enskilda, se förklaringen överst)</span>
      </span>
    );
  }
  return <>{numberFormat.format(count)}</>;
}

export interface ReportTableProps {
  table: PublishedTable;
  threshold: number;
  /** Where this one table downloads as CSV. */
  csvHref: string;
}

/**
 * One report table as a chart and the same figures as an HTML table side by side: the chart for the
 * eye, the table for reading aloud, copying and checking. `data-` attributes carry the exact counts
 * so tests compare what is shown with what the API returns.
 */
export function ReportTable({ table, threshold, csvHref }: ReportTableProps) {
  const headingId = `tabell-${table.key}`;
  const descriptionId = `diagram-${table.key}`;
  const total = table.type === 'additive' ? table.total : table.base;
  const suppressed = suppressedLabel(threshold);
  return (
    <section class="report-table" aria-labelledby={headingId} data-table={table.key}>
      <h2 id={headingId}>{table.title}</h2>
      <div class="pair">
        <figure class="chart">
          {raw(barChart(table, suppressed, descriptionId))}
          <figcaption id={descriptionId} class="visually-hidden">
            {chartDescription(table, suppressed)}
          </figcaption>
        </figure>
        <table>
          <caption class="visually-hidden">{table.title}</caption>
          <thead>
            <tr>
              <th scope="col">Grupp</th>
              <th scope="col" class="number">
                Antal
              </th>
              <th scope="col" class="number">
                Andel
              </th>
            </tr>
          </thead>
          <tbody>
            {table.cells.map((cell) => (
              <tr data-cell={cell.key} data-count={cell.count === null ? 'suppressed' : String(cell.count)}>
                <th scope="row">{cell.label}</th>
                <td class="number">
                  <Count count={cell.count} threshold={threshold} />
                </td>
                <td class="number">{cell.share === null ? '–' : percentFormat.format(cell.share)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-cell="total" data-count={total === null ? 'suppressed' : String(total)}>
              <th scope="row">
                {table.type === 'additive' ? 'Totalt' : 'Antal personer (en person kan finnas i flera rader)'}
              </th>
              <td class="number">
                <Count count={total} threshold={threshold} />
              </td>
              <td class="number">{total === null || total === 0 ? '–' : '100 %'}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      <p class="downloads">
        <a href={csvHref} download>
          Ladda ner tabellen ”{table.title}” som CSV
        </a>
      </p>
    </section>
  );
}

/** The report's definitions, one click away on screen and written out in print. */
export function Definitions({ definitions }: { definitions: Record<string, string> }) {
  const entries = Object.entries(definitions);
  const list = (
    <dl>
      {entries.map(([term, text]) => (
        <>
          <dt>{definitionTerms[term] ?? term}</dt>
          <dd>{text}</dd>
        </>
      ))}
    </dl>
  );
  return (
    <>
      <details class="definitions">
        <summary>Definitioner</summary>
        {list}
      </details>
      <section class="print-only" aria-label="Definitioner">
        <h2>Definitioner</h2>
        {list}
      </section>
    </>
  );
}

/** Swedish headings for the definition keys the reports use. */
const definitionTerms: Record<string, string> = {
  population: 'Vilka som räknas',
  targetGroup: 'Målgruppen',
  criteria: 'Kriterier',
  age: 'Ålder',
  duration: 'Tid med ekonomiskt bistånd',
  sip: 'SIP',
  remaining: 'Kvarstående och nya',
  left: 'Lämnat målgruppen',
  suppression: 'Röjandekontroll (tal som visas som <5)',
  baseline: 'Utgångsgrupp',
  closed: 'Avslutad',
  split: 'Uppdelningar',
  firstMeeting: 'Tid till första mötet',
  coordination: 'Samordningsärenden',
  kommun: 'Initierat av kommunen',
  fk: 'Initierat av Försäkringskassan',
  own_application: 'Egen ansökan',
  other: 'Annat',
};
