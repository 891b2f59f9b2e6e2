import { createRouter, type ServiceDeps } from '@samsyn/http';
import { registerAnswers } from './routes/answers';
import { registerCases } from './routes/cases';
import { registerFigures } from './routes/figures';
import { registerForums } from './routes/forums';
import { registerMeetings } from './routes/meetings';

export const serviceName = 'samsyn-consultation';
export const serviceDescription =
  'Consultation forums: member parties meet on a rhythm, raise cases anonymised or under consent, record advice and its follow-up; invitations through the outbox; figures for the förbund.';

/** The consultation service's routes; hosted alone by main.ts or together with the others by the gateway. */
export function createApp(deps: ServiceDeps) {
  const app = createRouter();
  registerForums(app, deps);
  registerMeetings(app, deps);
  registerCases(app, deps);
  registerAnswers(app, deps);
  registerFigures(app, deps);
  return app;
}
