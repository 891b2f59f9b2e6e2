import type { PartyKind } from './parties';

/**
 * The phases of a SIP as Kaosam describes the process (DOMAIN.md). The order is the order a plan
 * normally runs in, so lists built from it (such as `nextPhases`) read naturally in the UI.
 */
export const sipPhases = [
  'need',
  'consent_and_participation',
  'invitation_and_preparation',
  'meeting',
  'coordination',
  'follow_up',
  'closure',
] as const;
/** A phase is a closed set so every consumer must handle each one explicitly. */
export type SipPhase = (typeof sipPhases)[number];

/** The Swedish names the professionals and the individual know the phases by. */
export const sipPhaseLabels: Record<SipPhase, string> = {
  need: 'Behov',
  consent_and_participation: 'Samtycke och delaktighet',
  invitation_and_preparation: 'Kallelse och förberedelse',
  meeting: 'SIP-möte',
  coordination: 'Samordning',
  follow_up: 'Uppföljning',
  closure: 'Avslut',
};

/**
 * Why a plan was closed. Closing must always say why, because a withdrawn consent stops all further
 * exchange while a reached goal is an outcome for follow-up statistics.
 */
export const closureReasons = ['goal_reached', 'consent_withdrawn', 'moved', 'other'] as const;
/** Closed set, so follow-up statistics can count every reason without an "unknown" bucket. */
export type ClosureReason = (typeof closureReasons)[number];

/** Swedish names for closure reasons, for UI text and the glossary. */
export const closureReasonLabels: Record<ClosureReason, string> = {
  goal_reached: 'Målet uppnått',
  consent_withdrawn: 'Samtycket återkallat',
  moved: 'Flyttat',
  other: 'Annat',
};

/**
 * States of an action in the plan. `cancelled` is kept apart from `done` so that dropped actions
 * are not counted as fulfilled at follow-up.
 */
export const actionStatuses = ['planned', 'in_progress', 'done', 'cancelled'] as const;
/** Closed set, so a plan's actions can be summarised per status without guessing. */
export type ActionStatus = (typeof actionStatuses)[number];

/**
 * The process moves forward one step at a time, with two loops back to invitations (a meeting called
 * during coordination or at follow-up) and one from follow-up back to coordination. Closure is
 * handled separately because it is reachable from everywhere and needs a reason.
 */
const forwardTransitions: Record<SipPhase, readonly SipPhase[]> = {
  need: ['consent_and_participation'],
  consent_and_participation: ['invitation_and_preparation'],
  invitation_and_preparation: ['meeting'],
  meeting: ['coordination'],
  coordination: ['invitation_and_preparation', 'follow_up'],
  follow_up: ['invitation_and_preparation', 'coordination'],
  closure: [],
};

/**
 * The single source of truth for which phase changes are allowed, so that the API, the UI and the
 * audit trail cannot disagree. Closure is final, so a closed plan's record cannot change afterwards.
 */
export function canTransition(from: SipPhase, to: SipPhase): boolean {
  if (from === 'closure') return false;
  if (to === 'closure') return true;
  return forwardTransitions[from].includes(to);
}

/** Lets a UI offer only the moves that will be accepted, instead of failing after the fact. */
export function nextPhases(from: SipPhase): SipPhase[] {
  return sipPhases.filter((to) => canTransition(from, to));
}

/** Result of `transition`: failures are values, so callers must handle them and can report why. */
export type SipTransitionResult =
  | { ok: true; phase: SipPhase; closureReason: ClosureReason | null }
  | {
      ok: false;
      error: 'illegal_transition' | 'closure_reason_required' | 'closure_reason_not_allowed';
      from: SipPhase;
      to: SipPhase;
    };

/**
 * Validates a phase change together with its closure reason, so a plan can never be closed without
 * saying why, nor carry a reason while still open. Illegality is reported first because a missing
 * reason is irrelevant for a move that may not happen at all.
 */
export function transition(from: SipPhase, to: SipPhase, closureReason?: ClosureReason): SipTransitionResult {
  if (!canTransition(from, to)) return { ok: false, error: 'illegal_transition', from, to };
  if (to === 'closure') {
    if (closureReason === undefined) return { ok: false, error: 'closure_reason_required', from, to };
    return { ok: true, phase: to, closureReason };
  }
  if (closureReason !== undefined) return { ok: false, error: 'closure_reason_not_allowed', from, to };
  return { ok: true, phase: to, closureReason: null };
}

/**
 * The SIP duty lies on kommun and region (SoL and HSL), so only they can hold overall responsibility;
 * Försäkringskassan, Arbetsförmedlingen and förbund take part but cannot be huvudman.
 */
export function isPrincipalKind(kind: PartyKind): boolean {
  return kind === 'kommun' || kind === 'region';
}

/**
 * Calling a meeting always goes through invitations, so the individual and every party are prepared.
 * No meeting before consent is settled (`need`), none while one is under way (`meeting`), and none
 * after closure; calling again during invitations changes nothing.
 */
export function phaseAfterMeetingCalled(phase: SipPhase): SipPhase | undefined {
  if (phase === 'invitation_and_preparation') return phase;
  return canTransition(phase, 'invitation_and_preparation') ? 'invitation_and_preparation' : undefined;
}
