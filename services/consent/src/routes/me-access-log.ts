import { inclusionProofs, LeafHashCache } from '@samsyn/audit';
import { auditLog, parties } from '@samsyn/db';
import {
  type AppEnv,
  citizenCaller,
  commonProblemResponses,
  createRoute,
  type OpenAPIHono,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
  z,
} from '@samsyn/http';
import { and, arrayContains, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { type Subject, subjectFor } from '../self';
import { AccessLogSchema, accessLogQuery } from '../self-schemas';

export const accessLogRoute = createRoute({
  method: 'get',
  path: '/v1/me/access-log',
  operationId: 'getMyAccessLog',
  tags: ['Self-service'],
  summary: 'Who read or changed what about me (or my principal), when and why',
  description:
    'Every entry of the access log about the person, newest first: time, party, officer, action, ' +
    'purpose, categories, the consents and legal basis relied on. Sealed entries carry their RFC 9162 ' +
    'inclusion proof in the latest signed tree head (`GET /v1/audit-tree-heads/latest`). Filter by ' +
    'period and party; `limit`/`page`; CSV with `Accept: text/csv`. A representative established by a ' +
    'consent sees the entries relying on that consent only.',
  ...secured('self:read'),
  request: { query: accessLogQuery },
  responses: {
    200: {
      description: 'One page of the log',
      content: {
        'application/json': { schema: AccessLogSchema },
        'text/csv': { schema: z.string().max(10_000_000) },
      },
    },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    ...commonProblemResponses,
  },
});

function conditions(
  subject: Subject,
  query: { from?: string | undefined; to?: string | undefined; party?: string | undefined },
) {
  return and(
    eq(auditLog.personKey, subject.personKey),
    subject.onlyConsentId ? arrayContains(auditLog.consentIds, [subject.onlyConsentId]) : undefined,
    query.from ? gte(auditLog.at, new Date(`${query.from}T00:00:00Z`)) : undefined,
    query.to ? lt(auditLog.at, sql`(${query.to}::date + 1)`) : undefined,
    query.party ? eq(auditLog.partyId, query.party) : undefined,
  );
}

const csvColumns = [
  'seq',
  'at',
  'action',
  'party',
  'partyName',
  'officer',
  'byRepresentative',
  'purpose',
  'categories',
  'consentIds',
  'legalBasis',
];

export function registerMyAccessLog(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  const leaves = new LeafHashCache();
  app.openapi(accessLogRoute, async (c) => {
    const caller = citizenCaller(c);
    const query = c.req.valid('query');
    const { rows, proofs } = await deps.db.transaction(async (tx) => {
      const subject = await subjectFor(tx, caller, query.representation);
      const found = await tx
        .select({ entry: auditLog, partyName: parties.displayName })
        .from(auditLog)
        .leftJoin(parties, eq(parties.id, auditLog.partyId))
        .where(conditions(subject, query))
        .orderBy(desc(auditLog.at), desc(auditLog.id))
        .limit(query.limit + 1)
        .offset((query.page - 1) * query.limit);
      const seqs = found.flatMap((row) => (row.entry.seq === null ? [] : [row.entry.seq]));
      return { rows: found, proofs: await inclusionProofs(tx, leaves, seqs) };
    });
    const entries = rows.slice(0, query.limit).map(({ entry, partyName }) => ({
      seq: entry.seq,
      at: entry.at.toISOString(),
      action: entry.action,
      party: entry.partyId ? { id: entry.partyId, displayName: partyName ?? entry.partyId } : null,
      officer: entry.officerId,
      byRepresentative: entry.actorPersonKey !== null,
      purpose: entry.purpose,
      categories: entry.categories,
      consentIds: entry.consentIds,
      legalBasis: entry.legalBasis,
      proof: entry.seq === null ? null : (proofs.get(entry.seq) ?? null),
    }));
    if ((c.req.header('accept') ?? '').includes('text/csv')) {
      const quote = (value: unknown) => `"${String(value ?? '').replaceAll('"', '""')}"`;
      const lines = entries.map((e) =>
        [
          e.seq,
          e.at,
          e.action,
          e.party?.id,
          e.party?.displayName,
          e.officer,
          e.byRepresentative,
          e.purpose,
          e.categories.join(' '),
          e.consentIds.join(' '),
          e.legalBasis,
        ]
          .map(quote)
          .join(','),
      );
      return c.body(`${[csvColumns.join(','), ...lines].join('\n')}\n`, 200, {
        'content-type': 'text/csv; charset=utf-8',
      });
    }
    return c.json(
      { entries, page: { limit: query.limit, page: query.page, hasMore: rows.length > query.limit } },
      200,
    );
  });
}
