import type { AgeBand, AssistanceDurationBand } from './follow-up';
import { parsePersonNumber } from './personnummer';
import { commonSwedishFirstNames } from './swedish-first-names';

/**
 * Consultation forums (DOMAIN.md: Utsikt's konsultationsteam, Jönköping's konsultationsforum and
 * Arena group): member parties meet on a rhythm, and any member raises a case for the next meeting —
 * anonymised, or named under a consent with the purpose `consultation` — to get another party's advice.
 */

/** How often a forum meets. Utsikt's teams met monthly for three hours. */
export const forumRhythms = ['weekly', 'every_other_week', 'monthly', 'quarterly', 'as_needed'] as const;
export type ForumRhythm = (typeof forumRhythms)[number];

export const forumRhythmLabels: Record<ForumRhythm, string> = {
  weekly: 'Varje vecka',
  every_other_week: 'Varannan vecka',
  monthly: 'En gång i månaden',
  quarterly: 'En gång i kvartalet',
  as_needed: 'Vid behov',
};

export const consultationCaseKinds = ['anonymised', 'named'] as const;
export type ConsultationCaseKind = (typeof consultationCaseKinds)[number];

export const consultationCaseKindLabels: Record<ConsultationCaseKind, string> = {
  anonymised: 'Avidentifierat',
  named: 'Med samtycke',
};

/**
 * The question categories Utsikt kept statistics on, so the share of questions about sickness
 * compensation (50 % in 2015, 35 % in 2016) can be followed over time.
 */
export const questionCategories = [
  'sickness_compensation',
  'rehabilitation_need',
  'medical_certificate',
  'fk_coordination',
  'work_ability',
  'other',
] as const;
export type QuestionCategory = (typeof questionCategories)[number];

export const questionCategoryLabels: Record<QuestionCategory, string> = {
  sickness_compensation: 'Rätt till sjukersättning',
  rehabilitation_need: 'Rehabiliteringsbehov',
  medical_certificate: 'Läsa ett läkarintyg',
  fk_coordination: 'Samordning via Försäkringskassan',
  work_ability: 'Bedömning av arbetsförmåga',
  other: 'Annat',
};

/** Sex as the raising officer states it for an anonymised case; "not stated" is always allowed. */
export const statedSexes = ['female', 'male', 'not_stated'] as const;
export type StatedSex = (typeof statedSexes)[number];

export const statedSexLabels: Record<StatedSex, string> = {
  female: 'Kvinna',
  male: 'Man',
  not_stated: 'Ej angivet',
};

/** Utsikt recorded whether the case was a family with children; the household type says a little more. */
export const householdTypes = [
  'single_no_children',
  'single_with_children',
  'couple_no_children',
  'couple_with_children',
  'other',
] as const;
export type HouseholdType = (typeof householdTypes)[number];

export const householdTypeLabels: Record<HouseholdType, string> = {
  single_no_children: 'Ensamstående utan barn',
  single_with_children: 'Ensamstående med barn',
  couple_no_children: 'Sammanboende utan barn',
  couple_with_children: 'Sammanboende med barn',
  other: 'Annat',
};

export const ageBandLabels: Record<AgeBand, string> = {
  '18-24': '18–24 år',
  '25-34': '25–34 år',
  '35-44': '35–44 år',
  '45-54': '45–54 år',
  '55-65': '55–65 år',
};

export const assistanceDurationLabels: Record<AssistanceDurationBand, string> = {
  '<1': 'Kortare än 1 år',
  '1-2': '1–2 år',
  '2-5': '2–5 år',
  '6-11': '6–11 år',
  '>11': 'Längre än 11 år',
};

/** What the raising officer did after the advice: the steps the förbund follows up. */
export const consultationNextSteps = [
  'sip_called',
  'fk_coordination_applied',
  'compensation_applied',
  'other',
] as const;
export type ConsultationNextStep = (typeof consultationNextSteps)[number];

export const consultationNextStepLabels: Record<ConsultationNextStep, string> = {
  sip_called: 'SIP har kallats',
  fk_coordination_applied: 'Samordning hos FK har sökts',
  compensation_applied: 'Sjuk- eller aktivitetsersättning har sökts',
  other: 'Annat',
};

/** Shown with every anonymised case: the check below is a safety net, not a guarantee. */
export const anonymisationWarning =
  'Ett avidentifierat ärende får inte gå att koppla till en person: skriv inte namn, personnummer, ' +
  'adress, arbetsplats, ovanliga diagnoser eller händelser, och tänk på att ålder, kön och hushåll ' +
  'tillsammans kan peka ut någon i en liten kommun. Samsyn stoppar personnummer och vanliga namn, men ' +
  'inte allt som kan identifiera en person.';

export type PersonalDataFinding =
  | { kind: 'personnummer'; valid: boolean }
  | { kind: 'name'; reason: 'first_and_last_name' | 'surname' | 'known_name' };

/**
 * Anything shaped like a personnummer or samordningsnummer, also with a space between the date and the
 * last four (`850412 6122`), which the exchange's `personNumberLike` does not accept as a written form
 * but people type.
 */
const numberLike =
  /(?<![\dA-Za-z])((?:19|20)?\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])[ \-+]?(\d{4})(?![\dA-Za-z])/g;

const capitalisedWord = /^[A-ZÅÄÖÉÜ][a-zåäöéüè]+$/;

/**
 * Capitalised words that follow a first name without being a surname: the parties, places in the
 * reports and words of the trade. "Eva Försäkringskassan" is not a person.
 */
const notSurnames = new Set([
  'Försäkringskassan',
  'Försäkringskassa',
  'Arbetsförmedlingen',
  'Arbetsförmedling',
  'Kommun',
  'Kommunen',
  'Region',
  'Regionen',
  'Vårdcentral',
  'Vårdcentralen',
  'Psykiatrin',
  'Socialtjänsten',
  'Samordningsförbundet',
]);

function tokens(text: string): string[] {
  return text.split(/[^A-Za-zÅÄÖåäöÉéÜüè-]+/).filter((token) => token.length > 0);
}

/**
 * Checks a free text that must not identify anyone (an anonymised case's question, the advice on it,
 * the follow-up note). It finds:
 * - a personnummer or samordningsnummer in any written form (10 or 12 digits, with `-`, `+`, a space or
 *   nothing before the last four), valid or not: a mistyped number still points at a person;
 * - a first and last name: a common Swedish first name (the bundled list) followed by a capitalised
 *   word, or by a hyphenated pair such as "Anna-Karin Ek";
 * - a capitalised word ending in "-sson" (Andersson, Johansson, …), the commonest Swedish surnames;
 * - any of `knownNames` (e.g. the forum's contact persons), as a whole phrase, ignoring case.
 * It does not find names outside the list, addresses, workplaces, rare diagnoses or events: the
 * raising officer remains responsible, and is warned with every case (`anonymisationWarning`).
 */
export function findPersonalData(text: string, knownNames: readonly string[] = []): PersonalDataFinding[] {
  const findings: PersonalDataFinding[] = [];
  for (const match of text.matchAll(numberLike)) {
    const [, yearPart = '', month = '', day = '', last = ''] = match;
    const written = `${yearPart}${month}${day}-${last}`;
    findings.push({ kind: 'personnummer', valid: parsePersonNumber(written).ok });
  }
  const words = tokens(text);
  words.forEach((word, i) => {
    const first = word.split('-')[0] ?? '';
    const next = words[i + 1] ?? '';
    if (
      commonSwedishFirstNames.has(first) &&
      next.split('-').every((part) => capitalisedWord.test(part)) &&
      !notSurnames.has(next)
    ) {
      findings.push({ kind: 'name', reason: 'first_and_last_name' });
    } else if (capitalisedWord.test(word) && word.endsWith('sson') && word.length > 5) {
      findings.push({ kind: 'name', reason: 'surname' });
    }
  });
  const lowered = ` ${words.join(' ').toLowerCase()} `;
  for (const name of knownNames) {
    const phrase = tokens(name).join(' ').toLowerCase();
    // A single word such as "Eva" alone is too common to refuse on; a full name is not.
    if (phrase.includes(' ') && lowered.includes(` ${phrase} `)) {
      findings.push({ kind: 'name', reason: 'known_name' });
    }
  }
  return findings;
}

/** A sentence for the problem's field error: what was found, never the text itself. */
export function describeFinding(finding: PersonalDataFinding): string {
  if (finding.kind === 'personnummer') {
    return finding.valid
      ? 'contains a personnummer or samordningsnummer: an anonymised case must not identify the person'
      : 'contains a number shaped like a personnummer: an anonymised case must not identify the person';
  }
  switch (finding.reason) {
    case 'first_and_last_name':
      return 'contains what looks like a first and last name: an anonymised case must not name anyone';
    case 'surname':
      return 'contains what looks like a surname (…sson): an anonymised case must not name anyone';
    case 'known_name':
      return 'contains the name of one of the forum’s contact persons: an anonymised case names no one';
  }
}

/** The first day of the quarter a date (YYYY-MM-DD) falls in, and its label such as "2016 K1". */
export function quarterOf(date: string): { key: string; label: string; first: string; last: string } {
  const year = Number(date.slice(0, 4));
  const quarter = Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1;
  const firstMonth = (quarter - 1) * 3 + 1;
  const lastDay = new Date(Date.UTC(year, firstMonth + 2, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  const yyyy = String(year).padStart(4, '0');
  return {
    key: `${yyyy}_q${quarter}`,
    label: `${yyyy} K${quarter}`,
    first: `${yyyy}-${pad(firstMonth)}-01`,
    last: `${yyyy}-${pad(firstMonth + 2)}-${pad(lastDay)}`,
  };
}

/** Every quarter from the one `from` falls in to the one `to` falls in, in order. */
export function quartersBetween(from: string, to: string): Array<ReturnType<typeof quarterOf>> {
  const quarters: Array<ReturnType<typeof quarterOf>> = [];
  let current = quarterOf(from);
  const end = quarterOf(to).key;
  for (;;) {
    quarters.push(current);
    if (current.key >= end) break;
    const next = new Date(Date.parse(`${current.last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    current = quarterOf(next);
  }
  return quarters;
}
