import { auditLog, currentStatuses, idempotencyKeys, persons, statusEvents } from '@samsyn/db';
import { startTestService, type TestService } from '@samsyn/testkit';
import { sql } from 'drizzle-orm';
import { createApp, serviceDescription, serviceName } from '../src/app';

export function startExchange(): Promise<TestService> {
  return startTestService({ name: serviceName, description: serviceDescription, createApp });
}

/** Rows in every table the exchange writes, to prove a refused request stored nothing. */
export async function storedCounts(svc: TestService) {
  const count = async (
    table:
      | typeof statusEvents
      | typeof currentStatuses
      | typeof persons
      | typeof auditLog
      | typeof idempotencyKeys,
  ) => {
    const [row] = await svc.database.db.select({ n: sql<number>`count(*)::int` }).from(table);
    return row?.n ?? 0;
  };
  return {
    events: await count(statusEvents),
    current: await count(currentStatuses),
    persons: await count(persons),
    audit: await count(auditLog),
    idempotency: await count(idempotencyKeys),
  };
}

let keySequence = 0;
export function idempotencyKey(): { 'idempotency-key': string } {
  return { 'idempotency-key': `test-key-${process.pid}-${Date.now()}-${++keySequence}` };
}
