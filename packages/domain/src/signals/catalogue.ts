import { z } from 'zod';
import type { Category } from '../categories';
import type { PartyKind } from '../parties';

/**
 * Signals: the silent failures the reports keep describing — a long sick-listing nobody drives, an
 * incapacity nobody treats, FK's coordination duty nobody triggers, months of nothing after a
 * rejection, follow-ups that never happen — each written as a rule over the pieces of a person's case
 * that the person has consented to share, telling the party that can act. The catalogue is data: the
 * API lists it, the förbund tune its thresholds, and `evaluate` (rules.ts) decides each one.
 */
export const signalRuleIds = [
  'passive-sick-listing',
  'incapacity-without-care',
  'sgi-zero-without-coordination',
  'impediment-without-certificate',
  'rejected-compensation-without-plan',
  'certificate-expiring-under-plan',
  'sip-follow-up-missed',
] as const;
export type SignalRuleId = (typeof signalRuleIds)[number];

export function isSignalRuleId(value: string): value is SignalRuleId {
  return (signalRuleIds as readonly string[]).includes(value);
}

export interface Bilingual {
  sv: string;
  en: string;
}

/** A threshold a förbund may set for its area; `default` applies where none is set. */
export interface ThresholdSpec {
  unit: 'days' | 'months';
  default: number;
  min: number;
  max: number;
  description: Bilingual;
}

/**
 * What a rule reads of the person's SIPs: nothing; only whether any SIP is open (the rule fires on
 * its absence); or the SIPs the informed party takes part in, under each SIP's own consent.
 */
export type SipReading = 'none' | 'existence' | 'participating';

export interface SignalRuleDefinition {
  title: Bilingual;
  /** Plain language for the officer who gets the signal; `{threshold}` is replaced by its value. */
  explanation: Bilingual;
  /** The status categories the rule reads: a consent must let the informed party read every one. */
  reads: readonly Category[];
  /** Whether it follows the certificates over time, event by event, rather than the current one only. */
  certificateHistory?: boolean;
  sips: SipReading;
  /**
   * The consent purpose the rule rests on. A signal exists to start coordinated rehabilitation, so
   * rules over case statuses rest on `coordination`; the SIP rule rests on the SIP's own consent.
   */
  purpose: 'coordination' | 'sip';
  /** The party kinds that can act on it and are told. */
  informs: readonly PartyKind[];
  thresholds: Readonly<Record<string, ThresholdSpec>>;
  /** Where the failure is described (DOMAIN.md, the source reports). */
  source: string;
}

const days = (value: number, min: number, max: number, sv: string, en: string): ThresholdSpec => ({
  unit: 'days',
  default: value,
  min,
  max,
  description: { sv, en },
});

export const signalRules = {
  'passive-sick-listing': {
    title: { sv: 'Långvarig passiv sjukskrivning', en: 'Long passive sick-listing' },
    explanation: {
      sv:
        'Personen har varit sjukskriven med läkarintyg, det ena efter det andra, i mer än {months} månader, ' +
        'men det finns ingen samordning av rehabiliteringsinsatser, inget förstärkt samarbete och ingen SIP. ' +
        'Kommunen och regionen har båda skyldighet att ta initiativ till en SIP (SoL 2 kap. 7 §, HSL 16 kap. 4 §).',
      en:
        'The person has been sick-listed with medical certificates, one after the other, for more than ' +
        '{months} months, but there is no coordination case, no reinforced cooperation and no SIP. The kommun ' +
        'and the region both have the duty to initiate a SIP (SoL 2:7, HSL 16:4).',
    },
    reads: ['certificate', 'coordination'],
    certificateHistory: true,
    sips: 'existence',
    purpose: 'coordination',
    informs: ['kommun', 'region'],
    thresholds: {
      months: {
        unit: 'months',
        default: 6,
        min: 1,
        max: 36,
        description: {
          sv: 'Sammanhängande sjukskrivning längre än så här många månader',
          en: 'Continuous sick-listing longer than this many months',
        },
      },
      maxGapDays: days(
        14,
        0,
        90,
        'Ett nytt intyg inom så här många dagar efter det förra räknas som förlängning',
        'A new certificate within this many days of the previous one counts as a renewal',
      ),
    },
    source: 'Kaosam (000, 002): long sick-listings on assistance with no one driving the case',
  },
  'incapacity-without-care': {
    title: { sv: 'Nedsatt arbetsförmåga utan vårdkontakt', en: 'Incapacity without care contact' },
    explanation: {
      sv:
        'Kommunen har registrerat att personen uppger nedsatt arbetsförmåga på grund av ohälsa, eller att ' +
        'handläggaren misstänker det, men {days} dagar senare har regionen ingen vårdkontakt registrerad. ' +
        'Utan vårdkontakt blir det inget läkarintyg och ingen väg till rehabilitering eller ersättning.',
      en:
        'The kommun has recorded that the person reports reduced work capacity due to ill health, or that the ' +
        'social worker suspects it, but {days} days later the region shows no care contact. Without care ' +
        'contact there is no certificate and no way into rehabilitation or benefits.',
    },
    reads: ['incapacity', 'care'],
    sips: 'none',
    purpose: 'coordination',
    informs: ['kommun', 'region'],
    thresholds: {
      days: days(
        30,
        1,
        365,
        'Dagar från kommunens registrering utan att vårdkontakt finns',
        'Days from the kommun’s record with no care contact',
      ),
    },
    source: 'Kaosam criteria 4 and 5 (DOMAIN.md): incapacity reported or suspected, no care contact',
  },
  'sgi-zero-without-coordination': {
    title: {
      sv: '0-placerad med läkarintyg utan samordningsbedömning',
      en: 'SGI zero with a certificate but no coordination assessment',
    },
    explanation: {
      sv:
        'Personen saknar sjukpenninggrundande inkomst (SGI 0), har ett giltigt läkarintyg som visar nedsatt ' +
        'arbetsförmåga och har ekonomiskt bistånd, men Försäkringskassan har inte prövat samordning av ' +
        'rehabiliteringsinsatser — samordningsansvaret (SFB 30 kap. 8–11 §§) gäller även utan SGI. Läget har ' +
        'varat i minst {graceDays} dagar.',
      en:
        'The person has no sickness-benefit-qualifying income (SGI 0), a valid certificate showing reduced ' +
        'work capacity and social assistance, but Försäkringskassan has not assessed coordination of ' +
        'rehabilitation — its coordination duty (SFB 30:8–11) applies without SGI too. This has lasted at ' +
        'least {graceDays} days.',
    },
    reads: ['insurance', 'certificate', 'assistance', 'coordination'],
    sips: 'none',
    purpose: 'coordination',
    informs: ['fk'],
    thresholds: {
      graceDays: days(
        14,
        0,
        180,
        'Dagar som läget ska ha varat innan Försäkringskassan signaleras',
        'Days the situation must have lasted before Försäkringskassan is signalled',
      ),
    },
    source: 'Utsikt (001), HälsoSam (003): FK’s coordination duty for 0-placerade that nobody triggers',
  },
  'impediment-without-certificate': {
    title: {
      sv: 'Arbetssökande med förhinder utan läkarintyg',
      en: 'Job seeker with an impediment but no certificate',
    },
    explanation: {
      sv:
        'Personen är inskriven på Arbetsförmedlingen som arbetssökande med förhinder men har inget giltigt ' +
        'läkarintyg sedan {graceDays} dagar. Den som inte är aktivt arbetssökande och uppger ohälsa som hinder ' +
        'riskerar att förlora både SGI och rätten till a-kassa och aktivitetsstöd.',
      en:
        'The person is registered at Arbetsförmedlingen as a job seeker with an impediment but has had no ' +
        'valid medical certificate for {graceDays} days. Someone not actively seeking work who gives ill ' +
        'health as the obstacle risks losing both SGI and the right to unemployment insurance and activity ' +
        'support.',
    },
    reads: ['employment', 'certificate'],
    sips: 'none',
    purpose: 'coordination',
    informs: ['kommun', 'af'],
    thresholds: {
      graceDays: days(
        14,
        0,
        180,
        'Dagar med förhinder utan giltigt läkarintyg',
        'Days with an impediment and no valid certificate',
      ),
    },
    source: 'Rätt stöd, rätt försörjning (004): "arbetssökande med förhinder"',
  },
  'rejected-compensation-without-plan': {
    title: {
      sv: 'Avslag på ersättning utan ny planering',
      en: 'Rejected compensation with no new plan',
    },
    explanation: {
      sv:
        'Försäkringskassan har avslagit en ansökan om sjuk- eller aktivitetsersättning, och {days} dagar ' +
        'senare finns ingen ny planering eller bedömning hos kommunen eller Arbetsförmedlingen och ingen ny ' +
        'ansökan. Efter ett avslag blir det ofta månader utan insatser.',
      en:
        'Försäkringskassan rejected an application for sickness or activity compensation, and {days} days ' +
        'later neither the kommun nor Arbetsförmedlingen has a new plan or assessment, and there is no new ' +
        'application. A rejection is often followed by months of nothing.',
    },
    reads: ['insurance', 'planning'],
    sips: 'none',
    purpose: 'coordination',
    informs: ['kommun'],
    thresholds: {
      days: days(
        30,
        1,
        365,
        'Dagar efter avslaget utan ny planering',
        'Days after the rejection with no new plan',
      ),
    },
    source: 'Kaosam, Utsikt: rejected applications followed by months of nothing',
  },
  'certificate-expiring-under-plan': {
    title: {
      sv: 'Läkarintyg går ut under pågående insats',
      en: 'Certificate expiring under a planned activity',
    },
    explanation: {
      sv:
        'Ett läkarintyg går ut inom {days} dagar, eller har gått ut, medan en planerad insats som bygger på ' +
        'det pågår: arbetslivsinriktad eller medicinsk rehabilitering eller arbetsträning. Utan en ny ' +
        'bedömning riskerar insatsen och ersättningen att avbrytas.',
      en:
        'A medical certificate expires within {days} days, or has expired, while a planned activity that ' +
        'rests on it is under way: work-oriented or medical rehabilitation, or work training. Without a new ' +
        'assessment the activity and the benefit may stop.',
    },
    reads: ['certificate', 'planning'],
    sips: 'none',
    purpose: 'coordination',
    informs: ['region', 'kommun', 'af'],
    thresholds: {
      days: days(
        14,
        1,
        90,
        'Dagar före intygets slut som signalen ges',
        'Days before the certificate ends that the signal is given',
      ),
    },
    source: 'Rätt stöd, rätt försörjning (004): activities resting on a certificate',
  },
  'sip-follow-up-missed': {
    title: { sv: 'SIP-uppföljning som inte blev av', en: 'SIP follow-up that never happened' },
    explanation: {
      sv:
        'En SIP:s uppföljningsdatum passerade för {graceDays} dagar sedan utan att något uppföljningsmöte ' +
        'hållits eller bokats, eller så har en SIP i samordning eller uppföljning saknat uppföljningsdatum i ' +
        '{unbookedDays} dagar efter sitt senaste möte. Huvudmannen och samordnaren signaleras.',
      en:
        'A SIP’s follow-up date passed {graceDays} days ago without a follow-up meeting held or booked, or a ' +
        'SIP in coordination or follow-up has had no follow-up date for {unbookedDays} days after its last ' +
        'meeting. The principal and the coordinator are signalled.',
    },
    reads: [],
    sips: 'participating',
    purpose: 'sip',
    informs: ['kommun', 'region', 'fk', 'af'],
    thresholds: {
      graceDays: days(
        7,
        0,
        90,
        'Dagar efter uppföljningsdatumet utan möte',
        'Days after the follow-up date without a meeting',
      ),
      unbookedDays: days(
        30,
        1,
        365,
        'Dagar efter senaste mötet utan uppföljningsdatum',
        'Days after the last meeting without a follow-up date',
      ),
    },
    source: 'Kaosam appendix 2 (SIP phase 6, uppföljning): follow-ups nobody books',
  },
} as const satisfies Record<SignalRuleId, SignalRuleDefinition>;

export type SignalRule = (typeof signalRules)[SignalRuleId];
export type ThresholdKey<R extends SignalRuleId> = keyof (typeof signalRules)[R]['thresholds'] & string;

/** A rule's thresholds as they apply: every key present, each within its bounds. */
export type Thresholds = Readonly<Record<string, number>>;

export function ruleOf(id: SignalRuleId): SignalRuleDefinition {
  return signalRules[id];
}

/** The defaults of the catalogue, overlaid with a förbund's own values where they are valid. */
export function resolveThresholds(id: SignalRuleId, overrides: unknown): Thresholds {
  const specs = ruleOf(id).thresholds;
  const given = typeof overrides === 'object' && overrides !== null ? overrides : {};
  const resolved: Record<string, number> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const value = (given as Record<string, unknown>)[key];
    const valid =
      typeof value === 'number' && Number.isInteger(value) && value >= spec.min && value <= spec.max;
    resolved[key] = valid ? value : spec.default;
  }
  return resolved;
}

/**
 * The schema a förbund's thresholds for one rule must meet: only the rule's own keys, whole numbers
 * within each one's bounds; a key left out takes the catalogue's default.
 */
export function thresholdSchema(id: SignalRuleId) {
  const shape: Record<string, z.ZodOptional<z.ZodNumber>> = {};
  for (const [key, spec] of Object.entries(ruleOf(id).thresholds)) {
    shape[key] = z.number().int().min(spec.min).max(spec.max).optional();
  }
  return z.strictObject(shape);
}

/** The explanation with each `{threshold}` replaced by the value that applies. */
export function explain(id: SignalRuleId, thresholds: Thresholds): Bilingual {
  const fill = (text: string) =>
    text.replace(/\{(\w+)\}/g, (whole, key: string) => {
      const value = thresholds[key];
      return value === undefined ? whole : String(value);
    });
  const { explanation } = ruleOf(id);
  return { sv: fill(explanation.sv), en: fill(explanation.en) };
}
