import { sealAuditLog } from '@samsyn/audit';
import type { SigningKey } from '@samsyn/auth';
import { type Db, sequenceAuditLog } from '@samsyn/db';
import type { Logger } from '@samsyn/http';
import { startLoop } from './loop';

/**
 * Numbers committed access-log entries every `intervalMs` (gap-free, commit-safe; see
 * packages/db/src/queries/audit.ts) and, given the gateway's key, seals them into a new signed tree
 * head. Any number of dispatchers may run it: advisory locks keep numbering and sealing serial. A
 * failure is retried on the next tick; entries wait, nothing is lost.
 */
export function startAuditSequencer(options: {
  db: Db;
  logger: Logger;
  intervalMs: number;
  signer?: { signingKey: SigningKey; issuer: string };
}) {
  return startLoop('audit sequencing', options.intervalMs, options.logger, async (stopped) => {
    let numbered: number;
    do numbered = await sequenceAuditLog(options.db);
    while (numbered > 0 && !stopped());
    if (options.signer) while (!stopped() && (await sealAuditLog(options.db, options.signer)));
  });
}
