import { redactPersonNumbers } from '@samsyn/domain';
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

export interface LoggerOptions {
  name: string;
  level?: string;
  /** Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/**
 * JSON logs with every personnummer-shaped run of digits redacted from the final line, whatever field
 * it hid in (a URL, an error message, a stack). ISO timestamps keep epoch numbers out of the way.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['req.headers.authorization', 'req.headers.dpop', 'assertion'], censor: '[redacted]' },
      hooks: { streamWrite: (line) => redactPersonNumbers(line) },
    },
    options.destination,
  );
}
