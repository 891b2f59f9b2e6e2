/**
 * `pnpm audit:verify`: checks the whole access log against the latest signed tree head and names the
 * first bad record. Reads DATABASE_URL (default: the embedded PostgreSQL `pnpm start` runs),
 * GATEWAY_JWKS_FILE and PUBLIC_URL (the tree heads' issuer). Exit 0 when the log verifies, 1 when not.
 */
import { verifyAuditLog } from '@samsyn/audit';
import { createDatabase } from '@samsyn/db';
import { readJwksFile } from '@samsyn/http';
import { z } from 'zod';

const config = z
  .object({
    DATABASE_URL: z.string().default('postgres://samsyn:samsyn@127.0.0.1:54329/samsyn'),
    GATEWAY_JWKS_FILE: z.string().default('.data/keys/gateway.jwks.json'),
    PORT: z.coerce.number().int().default(8080),
    PUBLIC_URL: z.string().optional(),
  })
  .parse(process.env);
const issuer = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
const database = createDatabase({ url: config.DATABASE_URL, maxConnections: 1 });
try {
  const result = await verifyAuditLog(database.db, await readJwksFile(config.GATEWAY_JWKS_FILE), issuer);
  if (result.ok) {
    process.stdout.write(`audit log verifies: ${result.treeSize} entries, root ${result.rootHash}\n`);
  } else {
    process.stdout.write(
      `audit log does NOT verify: ${result.reason}${result.firstBadSeq ? ` (first bad record: seq ${result.firstBadSeq})` : ''}\n`,
    );
    process.exitCode = 1;
  }
} finally {
  await database.close();
}
