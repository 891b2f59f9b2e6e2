import { PersonVault } from '@samsyn/auth';

/** Fixed test secrets, so a test can compute the person key the service stored. */
export const testPersonSecrets = {
  hmacSecret: 'test-person-key-secret-of-32-chars!',
  encryptionKey: Buffer.alloc(32, 7).toString('base64url'),
};

export function testPersonVault(): PersonVault {
  return new PersonVault(testPersonSecrets);
}
