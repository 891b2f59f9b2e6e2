import type { AgencyCaller } from '@samsyn/auth';
import { type AppEnv, ProblemError } from '@samsyn/http';
import type { Context, Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import { z } from 'zod';
import { tablesAsCsv } from '../report';
import type { ReportSource } from '../reports';
import { loadChartLibrary } from './chart';
import { ReportPage, SignInPage } from './pages';
import { dashboardPaths, type ViewKey, views } from './paths';
import {
  type AccessTokenCheck,
  checkToken,
  endSession,
  presentedToken,
  signInMessages,
  startSession,
} from './session';
import { dashboardCss } from './styles';
import { refusalMessages, type ViewDefinition, viewDefinitions } from './views';

export interface DashboardDeps extends ReportSource {
  accessTokens: AccessTokenCheck;
  /** Cookies only over HTTPS when the public origin is HTTPS. */
  secureCookies: boolean;
}

const isoDate = z.iso.date();
const forbundId = z.string().regex(/^forbund:[a-z0-9-]+$/);

/** The view's chosen dates (or their defaults), or the Swedish reason they cannot be used. */
function chosenValues(view: ViewDefinition, c: Context): { values: Record<string, string>; error?: string } {
  const values: Record<string, string> = {};
  for (const field of view.fields) {
    const given = c.req.query(field.name);
    if (given === undefined || given === '') values[field.name] = field.defaultValue();
    else if (isoDate.safeParse(given).success) values[field.name] = given;
    else
      return {
        values: { ...values, [field.name]: '' },
        error: `${field.label}: ange ett datum som ÅÅÅÅ-MM-DD.`,
      };
  }
  const forbund = c.req.query('forbund');
  if (forbund && forbundId.safeParse(forbund).success) values.forbund = forbund;
  return { values };
}

function refusalText(error: ProblemError): string {
  if (error.code === 'not-found')
    return 'Det finns inga tal för det förbundet. Är din kommun medlem i flera förbund, välj förbund i adressen (?forbund=…).';
  const pointer = (error.extra?.errors as Array<{ pointer: string }> | undefined)?.[0]?.pointer ?? '';
  return refusalMessages[pointer] ?? 'Urvalet kunde inte användas. Kontrollera datumen.';
}

const csvName = (view: ViewKey, values: Record<string, string>, table: string | undefined) =>
  ['samsyn', view, table, ...Object.values(values)].filter(Boolean).join('-').replaceAll(':', '_');

/**
 * The förbund dashboard: server-rendered pages in Swedish over the same report functions as the API,
 * no script at all, a CSP that allows only this origin's stylesheet, and sign-in with an access token.
 */
export function registerDashboard(app: Hono<AppEnv>, deps: DashboardDeps) {
  const source: ReportSource = { db: deps.db, threshold: deps.threshold };
  const pages = `${dashboardPaths.home}/*`;
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    referrerPolicy: 'no-referrer',
  });
  app.use(dashboardPaths.home, headers);
  app.use(pages, headers);
  app.use(pages, csrf());

  /** The caller, or a redirect to sign-in saying why. */
  async function signedIn(c: Context<AppEnv>): Promise<AgencyCaller | Response> {
    const token = presentedToken(c);
    if (!token) return c.redirect(dashboardPaths.signIn, 303);
    const result = await checkToken(deps.accessTokens, token);
    if (result.ok) return result.caller;
    endSession(c, deps.secureCookies);
    return c.html(<SignInPage message={signInMessages[result.failure]} />, 401);
  }

  app.get(dashboardPaths.stylesheet, (c) =>
    c.body(dashboardCss, 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'public, max-age=3600',
    }),
  );
  app.get(dashboardPaths.home, async (c) => {
    const caller = await signedIn(c);
    if (caller instanceof Response) return caller;
    return c.redirect(dashboardPaths.view('target-group'), 303);
  });
  app.get(dashboardPaths.signIn, (c) => c.html(<SignInPage />));
  app.post(dashboardPaths.signIn, async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    if (!token) return c.html(<SignInPage message="Klistra in en åtkomsttoken." />, 400);
    const result = await checkToken(deps.accessTokens, token);
    if (!result.ok) return c.html(<SignInPage message={signInMessages[result.failure]} />, 401);
    startSession(c, token, result.caller, deps.secureCookies);
    return c.redirect(dashboardPaths.view('target-group'), 303);
  });
  app.post(dashboardPaths.signOut, (c) => {
    endSession(c, deps.secureCookies);
    return c.redirect(dashboardPaths.signIn, 303);
  });

  for (const { key } of views) {
    const view = viewDefinitions[key];
    app.get(dashboardPaths.view(key), async (c) => {
      const caller = await signedIn(c);
      if (caller instanceof Response) return caller;
      const { values, error } = chosenValues(view, c);
      const signedInAs = caller.partyId;
      if (error)
        return c.html(<ReportPage view={view} signedInAs={signedInAs} values={values} error={error} />, 400);
      try {
        const report = await view.load(source, caller, values);
        await loadChartLibrary();
        return c.html(<ReportPage view={view} signedInAs={signedInAs} values={values} report={report} />);
      } catch (thrown) {
        if (!(thrown instanceof ProblemError)) throw thrown;
        const status = thrown.code === 'not-found' ? 404 : 400;
        return c.html(
          <ReportPage view={view} signedInAs={signedInAs} values={values} error={refusalText(thrown)} />,
          status,
        );
      }
    });
    app.get(dashboardPaths.csv(key), async (c) => {
      const caller = await signedIn(c);
      if (caller instanceof Response) return caller;
      const { values, error } = chosenValues(view, c);
      if (error) return c.text(error, 400);
      const report = await view.load(source, caller, values);
      const table = c.req.query('table');
      const tables = table ? report.tables.filter((t) => t.key === table) : report.tables;
      if (tables.length === 0) return c.text('Ingen sådan tabell.', 404);
      return c.body(tablesAsCsv(tables), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${csvName(key, values, table)}.csv"`,
      });
    });
  }
}
