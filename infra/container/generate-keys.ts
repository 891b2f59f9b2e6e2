/**
 * `pnpm exec tsx infra/container/generate-keys.ts [dir]`: the secrets a deployment needs, written into
 * `dir` (default `.data/keys`, where `pnpm start` keeps its own), each kept if it already exists:
 *
 *   gateway.private.jwk.json  GATEWAY_SIGNING_KEY_FILE (a new ES256 key)
 *   gateway.jwks.json         GATEWAY_JWKS_FILE (its public half)
 *   person-key.secret         PERSON_KEY_SECRET
 *   person-encryption.key     PERSON_ENCRYPTION_KEY
 *
 * infra/compose.yaml mounts these files as secrets; for Kubernetes, load them into the Secrets that
 * infra/k8s/secrets.example.yaml describes. Losing the two person secrets orphans all person data.
 */
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensurePrivateJwk, ensureSecret, publicJwks } from '../dev/keys';

const dir = path.resolve(process.argv[2] ?? '.data/keys');
const signingKey = await ensurePrivateJwk(path.join(dir, 'gateway.private.jwk.json'));
const jwksFile = path.join(dir, 'gateway.jwks.json');
// Kept too: during a key rotation it holds the old public key beside the new one.
if (!existsSync(jwksFile)) {
  await writeFile(jwksFile, `${JSON.stringify(publicJwks(signingKey), null, 2)}\n`);
  // Public keys: readable by the container's user whatever the host user is.
  await chmod(jwksFile, 0o644);
}
await ensureSecret(path.join(dir, 'person-key.secret'));
await ensureSecret(path.join(dir, 'person-encryption.key'));
process.stdout.write(`keys in ${dir}\n`);
