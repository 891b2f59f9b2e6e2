import { randomUUID } from 'node:crypto';
import type { SigningKey } from '@samsyn/auth';
import { SignJWT } from 'jose';
import type { ConsentView } from './view';

export const consentReceiptType = 'consent-receipt+jwt';

/**
 * A machine-readable consent receipt in the spirit of ISO/IEC TS 27560: the terms as recorded, signed
 * with the gateway's key. The person is named by the same keyed hash the exchange uses (`sub`), never
 * by personnummer, so a receipt that ends up in a log or a mail leaks no identity number.
 */
export async function signConsentReceipt(
  signer: { signingKey: SigningKey; issuer: string },
  personKey: string,
  consent: ConsentView,
): Promise<string> {
  return new SignJWT({
    receipt_version: 'samsyn-consent-receipt/1',
    consent,
  })
    .setProtectedHeader({ alg: signer.signingKey.alg, kid: signer.signingKey.kid, typ: consentReceiptType })
    .setIssuer(signer.issuer)
    .setSubject(`person:${personKey}`)
    .setIssuedAt()
    .setJti(randomUUID())
    .sign(signer.signingKey.privateKey);
}
