import type { Telemetry } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';

/**
 * BullMQ's OpenTelemetry adapter, for the `telemetry` option of every Queue, Worker and
 * FlowProducer while tracing is on (leave the option out otherwise). A producer writes its span's
 * trace context into the job's options in Redis, and the worker's `process` span continues that
 * trace, so a message is one trace from the outbox relay to the webhook call. Job data is never
 * recorded in a span, and it holds ids only anyway (see queues.ts).
 */
export function queueTelemetry(): Telemetry {
  return new BullMQOtel('samsyn');
}
