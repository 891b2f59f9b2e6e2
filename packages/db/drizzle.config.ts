import { defineConfig } from 'drizzle-kit';

// `pnpm --filter @samsyn/db generate` writes a new migration from the schema; never `push`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './migrations',
  casing: 'snake_case',
});
