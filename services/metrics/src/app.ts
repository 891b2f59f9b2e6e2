import { createRouter, type ServiceDeps } from '@samsyn/http';
import { registerDashboard } from './dashboard';
import { dashboardFormPaths } from './dashboard/paths';
import { registerReports } from './routes/reports';

export const serviceName = 'samsyn-metrics';
export const serviceDescription =
  'Finsam follow-up: target-group snapshots, outcomes and flows for samordningsförbund, small cells suppressed, and their dashboard.';

/** The dashboard's sign-in and sign-out forms post form-encoded bodies; the host must let them. */
export const formPaths = dashboardFormPaths;

/** The metrics service's routes; hosted alone by main.ts or together with the others by the gateway. */
export function createApp(deps: ServiceDeps) {
  const app = createRouter();
  registerReports(app, deps);
  if (deps.accessTokens) {
    registerDashboard(app, {
      db: deps.db,
      threshold: deps.suppressionThreshold,
      accessTokens: deps.accessTokens,
      secureCookies: deps.receipts.issuer.startsWith('https:'),
    });
  }
  return app;
}
