/**
 * `pnpm demo`: the reports' story played against a running Samsyn (`SAMSYN_URL`, default
 * http://localhost:8080) as four agencies, a person and a förbund would play it, printing every
 * request. Uses the dev keys `pnpm start` wrote (`KEYS_DIR`, default .data/keys). Exits 1 at the first
 * step that does not go as the API promises.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTokenProvider } from '@samsyn/client';
import { z } from 'zod';
import { type Actor, createActor, createAnswering, DemoStepFailed } from './demo/api';
import { createNarrator, dim, red } from './demo/narrator';
import { startDemoReceiver } from './demo/receivers';
import { type AgencyKey, agencyKeys, type Cast, partyIds, playStory, storySteps } from './demo/story';
import { devKeyFile, readPrivateJwk } from './keys';

const root = fileURLToPath(new URL('../..', import.meta.url));

const DemoConfigSchema = z.object({
  SAMSYN_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('http://localhost:8080'),
  KEYS_DIR: z
    .string()
    .min(1)
    .default(path.join(root, '.data', 'keys')),
  DEMO_DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
});

function fail(message: string): never {
  process.stderr.write(`${red(`demo: ${message}`)}\n`);
  process.exit(1);
}

const parsed = DemoConfigSchema.safeParse(process.env);
if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
const config = parsed.data;
const baseUrl = config.SAMSYN_URL.replace(/\/$/, '');

const ready = await fetch(`${baseUrl}/readyz`).then(
  (response) => response.ok,
  () => false,
);
if (!ready) fail(`Samsyn does not answer ready at ${baseUrl}; start it with pnpm start, or set SAMSYN_URL`);

const displayNames: Record<AgencyKey | 'forbund', string> = {
  kommun: 'Lunds kommun',
  region: 'Region Skåne',
  fk: 'Försäkringskassan',
  af: 'Arbetsförmedlingen',
  forbund: 'Samordningsförbundet Lund',
};
const officers: Record<AgencyKey | 'forbund', string> = {
  kommun: 'socialsekreterare-anna-lind',
  region: 'rehabkoordinator-omar-said',
  fk: 'handlaggare-eva-berg',
  af: 'arbetsformedlare-jonas-ek',
  forbund: 'analytiker-1',
};

const narrator = createNarrator(storySteps);

async function actor(key: AgencyKey | 'forbund', scope: string): Promise<Actor> {
  const privateJwk = await readPrivateJwk(devKeyFile(config.KEYS_DIR, partyIds[key])).catch(() =>
    fail(`no dev key for ${partyIds[key]} in ${config.KEYS_DIR}; run pnpm start once, or set KEYS_DIR`),
  );
  const tokens = createTokenProvider({
    baseUrl,
    partyId: partyIds[key],
    officerId: officers[key],
    privateJwk,
    scope,
  });
  return createActor(displayNames[key], baseUrl, () => tokens.getToken(), narrator);
}

const agencyScope = 'status:read status:write consent:read consent:write sip:read sip:write webhook:write';
const citizenKey = await readPrivateJwk(devKeyFile(config.KEYS_DIR, 'eid:dev')).catch(() =>
  fail(`no dev e-ID key in ${config.KEYS_DIR}; run pnpm start once`),
);
const agencies = {} as Record<AgencyKey, Actor>;
for (const key of agencyKeys) agencies[key] = await actor(key, agencyScope);
const cast: Cast = {
  agencies,
  forbund: await actor('forbund', 'metrics:read'),
  person: (personnummer) => {
    const tokens = createTokenProvider({
      baseUrl,
      partyId: 'eid:dev',
      officerId: personnummer,
      privateJwk: citizenKey,
      scope: 'self:read self:write',
    });
    return createActor('Sara (e-ID)', baseUrl, () => tokens.getToken(), narrator);
  },
};

const receivers = {} as Record<AgencyKey, Awaited<ReturnType<typeof startDemoReceiver>>>;
for (const key of agencyKeys) receivers[key] = await startDemoReceiver();

narrator.title(`Samsyn demo against ${baseUrl}`);
const started = Date.now();
let exitCode = 0;
try {
  await playStory({
    answer: createAnswering(narrator),
    narrator,
    cast,
    receivers,
    deliveryTimeoutMs: config.DEMO_DELIVERY_TIMEOUT_MS,
  });
  process.stdout.write(
    `\nAll ${narrator.stepsTaken} steps succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s. ` +
      `${dim('The demo’s webhook endpoints stop now; register your own with POST /v1/webhook-registrations.')}\n`,
  );
} catch (error) {
  exitCode = 1;
  const message = error instanceof DemoStepFailed || error instanceof Error ? error.message : String(error);
  process.stderr.write(`\n${red(`demo: step ${narrator.stepsTaken} of ${storySteps} failed: ${message}`)}\n`);
} finally {
  for (const receiver of Object.values(receivers)) await receiver.close();
}
process.exit(exitCode);
