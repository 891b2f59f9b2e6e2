/**
 * `pnpm token`: a development access token, obtained the way an agency system gets one. Signs an
 * assertion with the dev key of a party (or of the dev e-ID issuer for `--citizen`), exchanges it at
 * the running gateway and prints the access token. Flags are stable: integrators and tests rely on them.
 *
 *   pnpm -s token --party kommun:1281 --sub handlaggare-1 --scope "whoami status:read"
 *   pnpm -s token --citizen 19811218-9876 --scope "self:read"
 *   pnpm -s token --party fk --sub t1 --scope whoami --assertion-only
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { signAssertion } from '@samsyn/client';
import { devKeyFile, readPrivateJwk } from './keys';

const root = fileURLToPath(new URL('../..', import.meta.url));

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(1);
}

if (process.env.NODE_ENV === 'production') fail('refusing to issue dev tokens with NODE_ENV=production');

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        party: { type: 'string' },
        citizen: { type: 'string' },
        sub: { type: 'string', default: 'dev-officer' },
        scope: { type: 'string', default: 'whoami' },
        'assertion-only': { type: 'boolean', default: false },
        url: { type: 'string' },
      },
      strict: true,
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();

if (!values.party === !values.citizen) fail('give exactly one of --party <id> or --citizen <personnummer>');

const baseUrl = (values.url ?? process.env.SAMSYN_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const keysDir = process.env.KEYS_DIR ?? path.join(root, '.data', 'keys');
const issuer = values.party ?? 'eid:dev';
const subject = values.citizen ?? values.sub;

/** The audience is the token endpoint as the gateway names it (RFC 8414 metadata), whatever host we used. */
async function tokenEndpoint(): Promise<string> {
  try {
    const response = await fetch(`${baseUrl}/.well-known/oauth-authorization-server`);
    if (response.ok) return ((await response.json()) as { token_endpoint: string }).token_endpoint;
  } catch {
    // Fall through: --assertion-only may be used without a running gateway.
  }
  return `${baseUrl}/oauth2/token`;
}

const privateJwk = await readPrivateJwk(devKeyFile(keysDir, issuer)).catch(() =>
  fail(`no dev key for ${issuer} in ${keysDir}; run pnpm start once, or check the id`),
);
const audience = await tokenEndpoint();
const assertion = await signAssertion({ issuer, subject, audience, privateJwk });

if (values['assertion-only']) {
  process.stdout.write(`${assertion}\n`);
  process.exit(0);
}

const response = await fetch(`${baseUrl}/oauth2/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion,
    scope: values.scope,
  }),
}).catch(() => fail(`nothing answers at ${baseUrl}; start Samsyn with pnpm start or set SAMSYN_URL`));
const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
if (!response.ok || !body.access_token)
  fail(`${body.error ?? response.status}: ${body.error_description ?? ''}`);
process.stdout.write(`${body.access_token}\n`);
