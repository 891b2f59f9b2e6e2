import { parties } from '@samsyn/db';
import { createTestParty } from '@samsyn/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway({ rateLimitPerMinute: 50 });
});
afterAll(() => gateway.close());

const whoami = (token: string) =>
  fetch(`${gateway.url}/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });

describe('rate limits per party', () => {
  it('stop a runaway party at its own limit with 429 and Retry-After, leaving the others theirs', async () => {
    const runaway = await createTestParty(gateway.database.db, 'kommun');
    const neighbour = await createTestParty(gateway.database.db, 'region');
    await gateway.database.db
      .update(parties)
      .set({ rateLimitPerMinute: 5 })
      .where(eq(parties.id, runaway.id));
    // The registry is re-read every PARTY_REFRESH_MS (100 ms in tests).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const runawayToken = await gateway.tokenFor(runaway);
    const neighbourToken = await gateway.tokenFor(neighbour);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await whoami(runawayToken)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const refused = await whoami(runawayToken);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(((await refused.json()) as { type: string }).type).toBe('urn:samsyn:problem:rate-limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-limit')).toBe('5');
    // The neighbour has the deployment's default budget (50 here), untouched by the runaway.
    const fine = await whoami(neighbourToken);
    expect(fine.status).toBe(200);
    expect(fine.headers.get('ratelimit-limit')).toBe('50');
    expect(fine.headers.get('ratelimit-remaining')).toBe('49');
  });
});
