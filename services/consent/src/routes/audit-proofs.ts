import { consistencyProofBetween, LeafHashCache, latestTreeHead, treeHeadOfSize } from '@samsyn/audit';
import {
  type AppEnv,
  commonProblemResponses,
  createRoute,
  type OpenAPIHono,
  ProblemError,
  problemResponseSpec,
  type ServiceDeps,
  secured,
  securedProblemResponses,
  z,
} from '@samsyn/http';

const TreeHeadSchema = z
  .object({
    treeSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64' }),
    rootHash: z.string().max(64),
    signedHead: z.string().max(4000).openapi({
      description:
        'JWS (typ samsyn-tree-head+jwt) signed with the gateway’s key: verify with /.well-known/jwks.json',
    }),
    sealedAt: z.iso.datetime().max(30),
  })
  .openapi('TreeHead');

const ConsistencyProofSchema = z
  .object({
    first: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64' }),
    second: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64' }),
    hashes: z.array(z.string().max(64)).max(128),
  })
  .openapi('ConsistencyProof');

const size = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64' });

export const latestTreeHeadRoute = createRoute({
  method: 'get',
  path: '/v1/audit-tree-heads/latest',
  operationId: 'getLatestTreeHead',
  tags: ['Audit'],
  summary: 'The latest signed tree head of the access log',
  description: 'Keep it: a later head must be consistent with it (`GET /v1/audit-consistency-proofs`).',
  ...secured('whoami'),
  responses: {
    200: { description: 'The head', content: { 'application/json': { schema: TreeHeadSchema } } },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    ...commonProblemResponses,
  },
});

export const consistencyProofRoute = createRoute({
  method: 'get',
  path: '/v1/audit-consistency-proofs',
  operationId: 'getConsistencyProof',
  tags: ['Audit'],
  summary: 'Proof that the log at tree size `second` extends the log at `first` (RFC 9162 2.1.4)',
  ...secured('whoami'),
  request: { query: z.object({ first: size, second: size }) },
  responses: {
    200: { description: 'The proof', content: { 'application/json': { schema: ConsistencyProofSchema } } },
    ...securedProblemResponses,
    404: problemResponseSpec('not-found'),
    ...commonProblemResponses,
  },
});

export function registerAuditProofs(app: OpenAPIHono<AppEnv>, deps: ServiceDeps) {
  const leaves = new LeafHashCache();
  app.openapi(latestTreeHeadRoute, async (c) => {
    const head = await latestTreeHead(deps.db);
    if (!head) throw new ProblemError('not-found', 'nothing is sealed yet');
    return c.json(
      {
        treeSize: head.treeSize,
        rootHash: head.rootHash,
        signedHead: head.signedHead,
        sealedAt: head.sealedAt.toISOString(),
      },
      200,
    );
  });

  app.openapi(consistencyProofRoute, async (c) => {
    const { first, second } = c.req.valid('query');
    if (first > second) {
      throw new ProblemError('validation-failed', 'first must not exceed second', {
        errors: [{ location: 'query', pointer: '/first', detail: 'must not exceed second' }],
      });
    }
    if (!(await treeHeadOfSize(deps.db, second)))
      throw new ProblemError('not-found', `no signed tree head of size ${second}`);
    const hashes = await consistencyProofBetween(deps.db, leaves, first, second);
    if (!hashes) throw new ProblemError('not-found', 'the log is not sealed that far');
    return c.json({ first, second, hashes }, 200);
  });
}
