import { type DbOrTx, deliveries, invitations, meetings, type Sip } from '@samsyn/db';
import { asc, eq } from 'drizzle-orm';
import { sipView } from './views';

/** The whole SIP as its participants see it: plan, meetings, invitations and their delivery state. */
export async function loadSipView(db: DbOrTx, sip: Sip) {
  const [meetingRows, invitationRows, deliveryRows] = await Promise.all([
    db.select().from(meetings).where(eq(meetings.sipId, sip.id)).orderBy(asc(meetings.startsAt)),
    db.select().from(invitations).where(eq(invitations.sipId, sip.id)).orderBy(asc(invitations.createdAt)),
    db.select().from(deliveries).where(eq(deliveries.sipId, sip.id)),
  ]);
  return sipView(sip, meetingRows, invitationRows, deliveryRows);
}
