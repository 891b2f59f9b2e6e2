import { createRouter, type ServiceDeps } from '@samsyn/http';
import { registerPublishStatusEvent } from './routes/publish-status-event';
import { registerPublishStatusEventBatch } from './routes/publish-status-event-batch';
import { registerQueryStatusTimeline } from './routes/query-status-timeline';
import { registerQueryStatuses } from './routes/query-statuses';

export const serviceName = 'samsyn-exchange';
export const serviceDescription =
  'Consent-gated publishing and querying of case status between kommun, region, Försäkringskassan and Arbetsförmedlingen.';

/** The exchange service's routes; hosted alone by main.ts or together with the others by the gateway. */
export function createApp(deps: ServiceDeps, app = createRouter()) {
  registerPublishStatusEvent(app, deps);
  registerPublishStatusEventBatch(app, deps);
  registerQueryStatuses(app, deps);
  registerQueryStatusTimeline(app, deps);
  return app;
}
