import { captureLogs } from '@samsyn/testkit';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';

describe('createLogger', () => {
  it('redacts personnummer wherever they hide, and authorization headers', () => {
    const logs = captureLogs();
    const logger = createLogger({ name: 't', destination: logs.stream });
    logger.info(
      { nested: { note: 'pnr 811218-9876' }, req: { headers: { authorization: 'Bearer abc' } } },
      '198112189876',
    );
    const line = logs.lines.join('\n');
    expect(line).not.toMatch(/811218/);
    expect(line).not.toContain('Bearer abc');
    expect(line.match(/\[personnummer\]/g)?.length).toBe(2);
  });
});
