// The scheduled sweep (BullMQ) is `@samsyn/signals/sweep`: only the dispatcher runs it, and the API
// processes that use the engine's audit and threshold helpers need not load a queue client.
export * from './access';
export * from './audit';
export * from './engine';
export * from './person';
