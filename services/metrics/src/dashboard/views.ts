import type { AgencyCaller } from '@samsyn/auth';
import type { PublishedTable } from '../report';
import { flowsFor, outcomesFor, type ReportSource, targetGroupFor } from '../reports';
import type { ViewKey } from './paths';

export interface DateField {
  name: string;
  label: string;
  defaultValue: () => string;
}

/** What every view shows, whichever report it comes from. */
export interface LoadedReport {
  tables: PublishedTable[];
  definitions: Record<string, string>;
  threshold: number;
  computedAt: string;
  forbund: string;
  kommuner: string[];
  statistics?: Array<{ key: string; label: string; n: number | null; value: number | null }>;
}

export interface ViewDefinition {
  key: ViewKey;
  heading: string;
  lead: string;
  fields: DateField[];
  load(source: ReportSource, caller: AgencyCaller, values: Record<string, string>): Promise<LoadedReport>;
  /** Tables this view puts first; the rest follow in the report's order. */
  leading?: string[];
}

const isoDay = (offsetDays = 0) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const today = () => isoDay();
const aYearAgo = () => isoDay(-365);
const forbundOf = (values: Record<string, string>) => values.forbund || undefined;

export const viewDefinitions: Record<ViewKey, ViewDefinition> = {
  'target-group': {
    key: 'target-group',
    heading: 'Målgruppen vid ett datum',
    lead:
      'Personer 18–65 år med ekonomiskt bistånd från en medlemskommun som uppfyller minst ett av de fem ' +
      'kriterierna, fördelade på kön, ålder, tid med bistånd, SIP och status hos Arbetsförmedlingen och ' +
      'Försäkringskassan.',
    fields: [{ name: 'at', label: 'Datum för kartläggningen', defaultValue: today }],
    load: (source, caller, values) =>
      targetGroupFor(source, caller, { at: values.at ?? today(), forbund: forbundOf(values) }),
  },
  comparison: {
    key: 'comparison',
    heading: 'Jämförelse mellan två kartläggningar',
    lead:
      'Hur målgruppen har förändrats: vilka som finns kvar sedan förra kartläggningen, vilka som är nya och ' +
      'hur många som har lämnat målgruppen.',
    fields: [
      { name: 'previous', label: 'Föregående kartläggning', defaultValue: aYearAgo },
      { name: 'at', label: 'Den här kartläggningen', defaultValue: today },
    ],
    leading: ['remaining', 'left'],
    load: (source, caller, values) =>
      targetGroupFor(source, caller, {
        at: values.at ?? today(),
        previous: values.previous ?? aYearAgo(),
        forbund: forbundOf(values),
      }),
  },
  outcomes: {
    key: 'outcomes',
    heading: 'Utfall mellan två datum',
    lead:
      'Var målgruppen vid baslinjen står vid uppföljningen: självförsörjande, avslutat med fortsatt bistånd ' +
      'eller fortfarande öppet – totalt, med och utan SIP och efter tid med bistånd.',
    fields: [
      { name: 'baseline', label: 'Baslinje', defaultValue: aYearAgo },
      { name: 'followUp', label: 'Uppföljning', defaultValue: today },
    ],
    load: (source, caller, values) =>
      outcomesFor(source, caller, {
        baseline: values.baseline ?? aYearAgo(),
        followUp: values.followUp ?? today(),
        forbund: forbundOf(values),
      }),
  },
  flows: {
    key: 'flows',
    heading: 'Flöden under en period',
    lead:
      'Samordningens aktivitet under perioden: SIP:ar som öppnats och avslutats, möten, kallelser, ' +
      'samordningsärenden och tiden från en SIP till dess första möte.',
    fields: [
      { name: 'from', label: 'Periodens början', defaultValue: aYearAgo },
      { name: 'to', label: 'Periodens slut', defaultValue: today },
    ],
    load: (source, caller, values) =>
      flowsFor(source, caller, {
        from: values.from ?? aYearAgo(),
        to: values.to ?? today(),
        forbund: forbundOf(values),
      }),
  },
};

/** Swedish words for what the reports refuse, by the field the refusal points at. */
export const refusalMessages: Record<string, string> = {
  '/previous': 'Den föregående kartläggningen måste ligga före den här.',
  '/followUp': 'Uppföljningen måste ligga efter baslinjen.',
  '/to': 'Periodens slut får inte ligga före dess början.',
};
