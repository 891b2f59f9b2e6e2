import {
  type AppEnv,
  agencyCaller,
  createRoute,
  type OpenAPIHono,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  z,
} from '@samsyn/http';
import { consultationFigures, figuresAsCsv } from '../figures';
import { baseResponses } from '../responses';
import { ConsultationFiguresSchema, figuresQuery } from '../schemas';

export const consultationFiguresRoute = createRoute({
  method: 'get',
  path: '/v1/metrics/consultations',
  operationId: 'getConsultationFigures',
  tags: ['Follow-up'],
  summary: 'Consultation figures for a förbund: cases per forum, quarter, category, party, outcome',
  description:
    'Cases raised at the meetings held in the förbund’s forums in the period (widened to whole ' +
    'quarters): per forum, per quarter with the question categories of each quarter, by raising ' +
    'party, named versus anonymised, whether the advice was followed, and the next steps taken; the ' +
    'meetings held and cases per meeting. Counts 1–4 are suppressed with complementary suppression, ' +
    'as in every follow-up table. A förbund reads its own; a member kommun its own cases. JSON, or ' +
    'CSV with `Accept: text/csv`.',
  ...secured('metrics:read'),
  request: { query: figuresQuery },
  responses: {
    200: {
      description: 'The figures',
      content: {
        'application/json': { schema: ConsultationFiguresSchema },
        'text/csv': {
          schema: z
            .string()
            .max(10_000_000)
            .openapi({ description: 'One line per cell: table,title,cell,label,count,share' }),
        },
      },
    },
    ...baseResponses,
    404: problemResponseSpec('not-found'),
  },
});

export function registerFigures(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  const source = { db: deps.db, threshold: deps.suppressionThreshold };
  app.openapi(consultationFiguresRoute, async (c) => {
    const figures = await consultationFigures(source, agencyCaller(c), c.req.valid('query'));
    if ((c.req.header('accept') ?? '').includes('text/csv')) {
      return c.body(figuresAsCsv(figures.tables), 200, { 'content-type': 'text/csv; charset=utf-8' });
    }
    return c.json(figures, 200);
  });
}
