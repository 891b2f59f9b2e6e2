import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateSigningJwk, toPublicJwk } from '@samsyn/auth';
import type { JWK } from 'jose';

/** Where the dev key of a party or issuer lives; `:` is not safe in every file system. */
export function devKeyFile(keysDir: string, id: string): string {
  return path.join(keysDir, `${id.replaceAll(':', '_')}.private.jwk.json`);
}

export async function readPrivateJwk(file: string): Promise<JWK> {
  return JSON.parse(await readFile(file, 'utf8')) as JWK;
}

/** Returns the key in `file`, creating it on first use; private keys are readable by the owner only. */
export async function ensurePrivateJwk(file: string): Promise<JWK> {
  if (existsSync(file)) return readPrivateJwk(file);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const jwk = await generateSigningJwk('ES256');
  await writeFile(file, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600 });
  return jwk;
}

export async function ensureSecret(file: string, bytes = 32): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const { randomBytes } = await import('node:crypto');
  const secret = randomBytes(bytes).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function publicJwks(...keys: JWK[]): { keys: Array<Record<string, unknown>> } {
  return { keys: keys.map((k) => toPublicJwk(k) as Record<string, unknown>) };
}
