import { Page } from './layout';
import { dashboardPaths } from './paths';
import { Definitions, ReportTable, suppressedLabel } from './report-table';
import type { LoadedReport, ViewDefinition } from './views';

export function SignInPage({ message }: { message?: string }) {
  return (
    <Page title="Logga in">
      <h1>Logga in</h1>
      <p class="lead">
        Översikten visar uppföljningen för ett samordningsförbund eller en medlemskommun: målgruppen,
        jämförelser, utfall och flöden, med tal som inte kan peka ut någon.
      </p>
      {message ? (
        <div class="error" role="alert">
          {message}
        </div>
      ) : null}
      <form class="signin" method="post" action={dashboardPaths.signIn}>
        <p>
          I drift loggar du in via din organisations inloggning, som lämnar en åtkomsttoken till Samsyn. I en
          utvecklingsmiljö hämtar du en token med{' '}
          <code>pnpm -s token --party forbund:lund --scope metrics:read</code> och klistrar in den här.
        </p>
        <p>
          <label for="token">Åtkomsttoken</label>
          <textarea id="token" name="token" required autocomplete="off" spellcheck={false} />
        </p>
        <p>
          <button class="primary" type="submit">
            Logga in
          </button>
        </p>
      </form>
    </Page>
  );
}

export interface ReportPageProps {
  view: ViewDefinition;
  signedInAs: string;
  values: Record<string, string>;
  report?: LoadedReport;
  error?: string;
}

function orderedTables(view: ViewDefinition, report: LoadedReport) {
  const leading = view.leading ?? [];
  const first = leading.flatMap((key) => report.tables.filter((table) => table.key === key));
  return [...first, ...report.tables.filter((table) => !leading.includes(table.key))];
}

const timeFormat = new Intl.DateTimeFormat('sv-SE', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/Stockholm',
});

/** One view: the dates to choose, the definitions, the suppression note and every table with its chart. */
export function ReportPage({ view, signedInAs, values, report, error }: ReportPageProps) {
  const query = new URLSearchParams(values);
  const csvHref = (table?: string) => {
    const params = new URLSearchParams(query);
    if (table) params.set('table', table);
    return `${dashboardPaths.csv(view.key)}?${params.toString()}`;
  };
  return (
    <Page title={view.heading} signedInAs={signedInAs} current={view.key}>
      <h1>{view.heading}</h1>
      <p class="lead">{view.lead}</p>
      <form class="choose" method="get" action={dashboardPaths.view(view.key)}>
        {view.fields.map((field) => (
          <div>
            <label for={`falt-${field.name}`}>{field.label}</label>
            <input
              id={`falt-${field.name}`}
              type="date"
              name={field.name}
              value={values[field.name]}
              required
            />
          </div>
        ))}
        {values.forbund ? <input type="hidden" name="forbund" value={values.forbund} /> : null}
        <button class="primary" type="submit">
          Visa
        </button>
      </form>
      {error ? (
        <div class="error" role="alert">
          {error}
        </div>
      ) : null}
      {report ? (
        <>
          <p class="meta">
            {report.forbund} · kommuner: {report.kommuner.join(', ') || 'inga'} · beräknat{' '}
            {timeFormat.format(new Date(report.computedAt))} ·{' '}
            <a href={csvHref()} download>
              Ladda ner alla tabeller som CSV
            </a>
          </p>
          <p class="notice" id="undertryckt">
            Tal som visas som <strong>{suppressedLabel(report.threshold)}</strong> är dolda för att ingen
            enskild ska kunna pekas ut: de gäller färre än {report.threshold} personer, eller döljs för att
            ett litet tal annars skulle kunna räknas fram ur summor och andra celler. Andelar räknas bara på
            visade tal.
          </p>
          <Definitions definitions={report.definitions} />
          {report.statistics && report.statistics.length > 0 ? <Statistics report={report} /> : null}
          {orderedTables(view, report).map((table) => (
            <ReportTable table={table} threshold={report.threshold} csvHref={csvHref(table.key)} />
          ))}
        </>
      ) : null}
    </Page>
  );
}

const dayFormat = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 1 });

function Statistics({ report }: { report: LoadedReport }) {
  return (
    <section class="report-table" aria-labelledby="nyckeltal" data-table="statistics">
      <h2 id="nyckeltal">Nyckeltal</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Mått</th>
            <th scope="col" class="number">
              Värde
            </th>
            <th scope="col" class="number">
              Underlag (personer)
            </th>
          </tr>
        </thead>
        <tbody>
          {(report.statistics ?? []).map((statistic) => (
            <tr
              data-cell={statistic.key}
              data-count={statistic.value === null ? 'suppressed' : String(statistic.value)}
            >
              <th scope="row">{statistic.label}</th>
              <td class="number">
                {statistic.value === null
                  ? `visas inte (färre än ${report.threshold})`
                  : dayFormat.format(statistic.value)}
              </td>
              <td class="number">{statistic.n ?? suppressedLabel(report.threshold)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
