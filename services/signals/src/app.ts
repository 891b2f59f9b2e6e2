import { createRouter, type ServiceDeps } from '@samsyn/http';
import { registerAcknowledgeSignal } from './routes/acknowledge-signal';
import { registerGetSignal } from './routes/get-signal';
import { registerGetSignalFigures } from './routes/get-signal-figures';
import { registerListSignalRules } from './routes/list-signal-rules';
import { registerListSignals } from './routes/list-signals';
import { registerSetSignalThresholds } from './routes/set-signal-thresholds';

export const serviceName = 'samsyn-signals';
export const serviceDescription =
  'Signals: rules over the statuses persons consent to share that tell the responsible party, early, about a case nobody drives; thresholds per förbund; follow-up figures.';

/** The signals service's routes; hosted alone by main.ts or together with the others by the gateway. */
export function createApp(deps: ServiceDeps) {
  const app = createRouter();
  registerListSignals(app, deps);
  registerGetSignal(app, deps);
  registerAcknowledgeSignal(app, deps);
  registerListSignalRules(app, deps);
  registerSetSignalThresholds(app, deps);
  registerGetSignalFigures(app, deps);
  return app;
}
