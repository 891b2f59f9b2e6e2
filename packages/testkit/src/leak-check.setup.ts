import { afterAll, expect } from 'vitest';
import { leakedPersonNumbers } from './leak-watch';

// Runs after every test file: no captured log line may hold a personnummer a factory handed out.
afterAll(() => {
  expect(leakedPersonNumbers()).toEqual([]);
});
