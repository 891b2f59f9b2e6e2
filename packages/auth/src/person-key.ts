import { createHmac } from 'node:crypto';

/**
 * Persons are keyed by HMAC-SHA256 of the normalised twelve-digit number under a secret, so the
 * database, tokens and logs can name a person without holding the number itself.
 */
export function personKey(secret: string, normalisedPersonNumber: string): string {
  return createHmac('sha256', secret).update(normalisedPersonNumber).digest('base64url');
}
