import { createRouter, type ServiceDeps } from '@samsyn/http';
import { registerReports } from './routes/reports';

export const serviceName = 'samsyn-metrics';
export const serviceDescription =
  'Finsam follow-up: target-group snapshots, outcomes and flows for samordningsförbund, small cells suppressed.';

/** The metrics service's routes; hosted alone by main.ts or together with the others by the gateway. */
export function createApp(deps: ServiceDeps) {
  const app = createRouter();
  registerReports(app, deps);
  return app;
}
