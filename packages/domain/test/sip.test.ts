import { describe, expect, it } from 'vitest';
import type { PartyKind } from '../src/parties';
import {
  type ClosureReason,
  canTransition,
  closureReasonLabels,
  closureReasons,
  isPrincipalKind,
  nextPhases,
  phaseAfterMeetingCalled,
  type SipPhase,
  sipPhaseLabels,
  sipPhases,
  transition,
} from '../src/sip';

// Written out by hand from the Kaosam process, not derived from the source.
const allPhases: readonly SipPhase[] = [
  'need',
  'consent_and_participation',
  'invitation_and_preparation',
  'meeting',
  'coordination',
  'follow_up',
  'closure',
];

const legalPairs: ReadonlySet<string> = new Set([
  'need>consent_and_participation',
  'consent_and_participation>invitation_and_preparation',
  'invitation_and_preparation>meeting',
  'meeting>coordination',
  'coordination>follow_up',
  'follow_up>coordination',
  'follow_up>invitation_and_preparation',
  'coordination>invitation_and_preparation',
  'need>closure',
  'consent_and_participation>closure',
  'invitation_and_preparation>closure',
  'meeting>closure',
  'coordination>closure',
  'follow_up>closure',
]);

const allPairs: [SipPhase, SipPhase, boolean][] = allPhases.flatMap((from) =>
  allPhases.map((to): [SipPhase, SipPhase, boolean] => [from, to, legalPairs.has(`${from}>${to}`)]),
);

const openPhases = allPhases.filter((p) => p !== 'closure');

describe('sip phases', () => {
  it('lists the seven phases in process order', () => {
    expect(sipPhases).toEqual(allPhases);
  });

  it('covers all 49 ordered pairs, 14 of them legal', () => {
    expect(allPairs).toHaveLength(49);
    expect(allPairs.filter(([, , legal]) => legal)).toHaveLength(14);
  });
});

describe('canTransition', () => {
  it.each(allPairs)('%s -> %s is legal: %s', (from, to, legal) => {
    expect(canTransition(from, to)).toBe(legal);
  });
});

describe('transition', () => {
  it.each(allPairs)('%s -> %s (legal: %s)', (from, to, legal) => {
    const reason: ClosureReason | undefined = to === 'closure' ? 'goal_reached' : undefined;
    const result = transition(from, to, reason);
    if (legal) {
      expect(result).toEqual({ ok: true, phase: to, closureReason: reason ?? null });
    } else {
      expect(result).toEqual({ ok: false, error: 'illegal_transition', from, to });
    }
  });

  it.each(openPhases)('closing from %s without a reason is refused', (from) => {
    expect(transition(from, 'closure')).toEqual({
      ok: false,
      error: 'closure_reason_required',
      from,
      to: 'closure',
    });
  });

  it.each(
    openPhases.flatMap((from) => closureReasons.map((reason): [SipPhase, ClosureReason] => [from, reason])),
  )('closing from %s with reason %s succeeds and keeps the reason', (from, reason) => {
    expect(transition(from, 'closure', reason)).toEqual({
      ok: true,
      phase: 'closure',
      closureReason: reason,
    });
  });

  it.each(allPairs.filter(([, to, legal]) => legal && to !== 'closure'))(
    'a closure reason on %s -> %s is refused',
    (from, to) => {
      expect(transition(from, to, 'moved')).toEqual({
        ok: false,
        error: 'closure_reason_not_allowed',
        from,
        to,
      });
    },
  );

  it('reports an illegal pair before a reason problem', () => {
    expect(transition('need', 'meeting', 'other')).toEqual({
      ok: false,
      error: 'illegal_transition',
      from: 'need',
      to: 'meeting',
    });
    expect(transition('closure', 'closure')).toEqual({
      ok: false,
      error: 'illegal_transition',
      from: 'closure',
      to: 'closure',
    });
  });

  it.each(allPhases)('nothing leaves closure, not even to %s, with or without a reason', (to) => {
    expect(canTransition('closure', to)).toBe(false);
    expect(transition('closure', to)).toMatchObject({ ok: false, error: 'illegal_transition' });
    for (const reason of closureReasons) {
      expect(transition('closure', to, reason)).toMatchObject({ ok: false, error: 'illegal_transition' });
    }
  });

  it.each(allPhases)('staying in %s is not a transition', (phase) => {
    expect(canTransition(phase, phase)).toBe(false);
  });
});

describe('nextPhases', () => {
  const expected: Record<SipPhase, SipPhase[]> = {
    need: ['consent_and_participation', 'closure'],
    consent_and_participation: ['invitation_and_preparation', 'closure'],
    invitation_and_preparation: ['meeting', 'closure'],
    meeting: ['coordination', 'closure'],
    coordination: ['invitation_and_preparation', 'follow_up', 'closure'],
    follow_up: ['invitation_and_preparation', 'coordination', 'closure'],
    closure: [],
  };

  it.each(allPhases)('from %s', (from) => {
    expect(nextPhases(from)).toEqual(expected[from]);
  });
});

describe('phaseAfterMeetingCalled', () => {
  const expected: Record<SipPhase, SipPhase | undefined> = {
    need: undefined,
    consent_and_participation: 'invitation_and_preparation',
    invitation_and_preparation: 'invitation_and_preparation',
    meeting: undefined,
    coordination: 'invitation_and_preparation',
    follow_up: 'invitation_and_preparation',
    closure: undefined,
  };

  it.each(allPhases)('from %s', (phase) => {
    expect(phaseAfterMeetingCalled(phase)).toBe(expected[phase]);
  });
});

describe('isPrincipalKind', () => {
  const expected: [PartyKind, boolean][] = [
    ['kommun', true],
    ['region', true],
    ['fk', false],
    ['af', false],
    ['forbund', false],
  ];

  it.each(expected)('%s may be huvudman: %s', (kind, principal) => {
    expect(isPrincipalKind(kind)).toBe(principal);
  });
});

describe('labels', () => {
  it.each(allPhases)('phase %s has a non-empty Swedish label', (phase) => {
    expect(sipPhaseLabels[phase]?.trim()).toBeTruthy();
  });

  it.each(['goal_reached', 'consent_withdrawn', 'moved', 'other'] as const)(
    'closure reason %s has a non-empty Swedish label',
    (reason) => {
      expect(closureReasonLabels[reason]?.trim()).toBeTruthy();
    },
  );

  it('has exactly the listed closure reasons and no extra labels', () => {
    expect(closureReasons).toEqual(['goal_reached', 'consent_withdrawn', 'moved', 'other']);
    expect(Object.keys(sipPhaseLabels).sort()).toEqual([...allPhases].sort());
    expect(Object.keys(closureReasonLabels).sort()).toEqual([...closureReasons].sort());
  });

  it('uses the Kaosam names', () => {
    expect(sipPhaseLabels).toEqual({
      need: 'Behov',
      consent_and_participation: 'Samtycke och delaktighet',
      invitation_and_preparation: 'Kallelse och förberedelse',
      meeting: 'SIP-möte',
      coordination: 'Samordning',
      follow_up: 'Uppföljning',
      closure: 'Avslut',
    });
    expect(closureReasonLabels).toEqual({
      goal_reached: 'Målet uppnått',
      consent_withdrawn: 'Samtycket återkallat',
      moved: 'Flyttat',
      other: 'Annat',
    });
  });
});
