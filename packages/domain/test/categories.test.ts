import { describe, expect, it } from 'vitest';
import {
  type Category,
  categories,
  categoryOwners,
  icd10Pattern,
  isCategory,
  kindsOf,
  ownsCategory,
  statusDataProblems,
  statusKinds,
} from '../src/categories';
import { type PartyKind, partyKinds } from '../src/parties';

/** Who publishes what, written out from DOMAIN ("Parties and who publishes what"), not from the source. */
const expectedOwners: Record<Category, readonly PartyKind[]> = {
  assistance: ['kommun'],
  incapacity: ['kommun'],
  planning: ['kommun', 'af'],
  care: ['region'],
  certificate: ['region'],
  diagnosis: ['region'],
  insurance: ['fk'],
  coordination: ['fk', 'af'],
  employment: ['af'],
};

describe('category owners', () => {
  it('knows exactly the nine categories', () => {
    expect([...categories].sort()).toEqual(Object.keys(expectedOwners).sort());
    expect(isCategory('care')).toBe(true);
    expect(isCategory('Care')).toBe(false);
    expect(isCategory('forbund')).toBe(false);
  });

  for (const category of categories) {
    for (const kind of partyKinds) {
      const owns = expectedOwners[category].includes(kind);
      it(`${kind} ${owns ? 'owns' : 'does not own'} ${category}`, () => {
        expect(ownsCategory(kind, category)).toBe(owns);
      });
    }
  }

  it('gives a förbund nothing to publish', () => {
    expect(categories.filter((category) => ownsCategory('forbund', category))).toEqual([]);
  });

  it('lists owners that are all real party kinds, without repeats', () => {
    for (const category of categories) {
      const owners = categoryOwners[category];
      expect(new Set(owners).size).toBe(owners.length);
      expect(owners.every((kind) => (partyKinds as readonly string[]).includes(kind))).toBe(true);
    }
  });
});

type Path = readonly (string | number)[];

interface KindCase {
  category: Category;
  kind: string;
  valid: Record<string, unknown>;
  /** Where a date sits in `valid`. */
  dates: Path[];
  /** Where an enum (or a closed set of literals) sits in `valid`. */
  enums: Path[];
  /** Top-level keys of `valid` that may be left out. */
  optional?: string[];
}

const kindCases: KindCase[] = [
  {
    category: 'assistance',
    kind: 'active',
    valid: { extent: 'full', since: '2026-01-15', obstacle: 'sick_with_certificate' },
    dates: [['since']],
    enums: [['extent'], ['obstacle']],
  },
  {
    category: 'assistance',
    kind: 'closed',
    valid: { closedOn: '2026-03-31', reason: 'self_supporting_work' },
    dates: [['closedOn']],
    enums: [['reason']],
  },
  {
    category: 'planning',
    kind: 'need_assessed',
    valid: { needGroup: 'RH2', assessedOn: '2026-02-01' },
    dates: [['assessedOn']],
    enums: [['needGroup']],
  },
  {
    category: 'planning',
    kind: 'plan_active',
    valid: { needGroup: 'AM1', activity: 'work_training', since: '2026-02-01', followUpOn: '2026-05-01' },
    dates: [['since'], ['followUpOn']],
    enums: [['needGroup'], ['activity']],
    optional: ['needGroup', 'followUpOn'],
  },
  {
    category: 'planning',
    kind: 'plan_ended',
    valid: { endedOn: '2026-06-30', outcome: 'next_step' },
    dates: [['endedOn']],
    enums: [['outcome']],
  },
  {
    category: 'incapacity',
    kind: 'reported_without_care_contact',
    valid: { reportedOn: '2026-01-10' },
    dates: [['reportedOn']],
    enums: [],
  },
  {
    category: 'incapacity',
    kind: 'suspected_by_social_worker',
    valid: { notedOn: '2026-01-10' },
    dates: [['notedOn']],
    enums: [],
  },
  {
    category: 'incapacity',
    kind: 'resolved',
    valid: { resolvedOn: '2026-04-01' },
    dates: [['resolvedOn']],
    enums: [],
  },
  {
    category: 'care',
    kind: 'in_contact',
    valid: { setting: 'psychiatry', rehabCoordinator: true, since: '2025-11-01' },
    dates: [['since']],
    enums: [['setting']],
    optional: ['since'],
  },
  {
    category: 'care',
    kind: 'no_contact',
    valid: { since: '2025-11-01' },
    dates: [['since']],
    enums: [],
    optional: ['since'],
  },
  {
    category: 'certificate',
    kind: 'issued',
    valid: {
      validFrom: '2026-01-01',
      validUntil: '2026-02-28',
      extentPercent: 50,
      issuerKind: 'primary_care',
      dfaChainComplete: false,
    },
    dates: [['validFrom'], ['validUntil']],
    enums: [['extentPercent'], ['issuerKind']],
  },
  {
    category: 'certificate',
    kind: 'ended',
    valid: { endedOn: '2026-02-28' },
    dates: [['endedOn']],
    enums: [],
  },
  {
    category: 'diagnosis',
    kind: 'recorded',
    valid: { codes: ['F32.1', 'M79.7'] },
    dates: [],
    enums: [],
  },
  {
    category: 'insurance',
    kind: 'status',
    valid: {
      sgi: 'positive',
      sicknessBenefit: true,
      compensation: { kind: 'activity', extent: 'partial', degreePercent: 75 },
      pendingApplication: { benefit: 'sickness_compensation', appliedOn: '2026-01-20' },
      lastDecision: { benefit: 'sickness_benefit', outcome: 'granted', decidedOn: '2025-12-01' },
    },
    dates: [
      ['pendingApplication', 'appliedOn'],
      ['lastDecision', 'decidedOn'],
    ],
    enums: [
      ['sgi'],
      ['compensation', 'kind'],
      ['compensation', 'extent'],
      ['compensation', 'degreePercent'],
      ['pendingApplication', 'benefit'],
      ['lastDecision', 'benefit'],
      ['lastDecision', 'outcome'],
    ],
  },
  {
    category: 'coordination',
    kind: 'status',
    valid: { samordning: 'granted', reinforcedCooperation: true, jointMapping: false },
    dates: [],
    enums: [['samordning']],
  },
  {
    category: 'employment',
    kind: 'registered',
    valid: {
      activelySeeking: true,
      withImpediment: true,
      programme: 'arbetslivsintroduktion',
      activitySupport: false,
      since: '2025-09-01',
    },
    dates: [['since']],
    enums: [['programme']],
    optional: ['since'],
  },
  {
    category: 'employment',
    kind: 'not_registered',
    valid: { since: '2025-09-01' },
    dates: [['since']],
    enums: [],
    optional: ['since'],
  },
];

function schemaOf(category: Category, kind: string) {
  const byKind: Record<string, { safeParse(data: unknown): { success: boolean } }> = statusKinds[category];
  const schema = byKind[kind];
  if (!schema) throw new Error(`no schema for ${category}/${kind}`);
  return schema;
}

function accepts(category: Category, kind: string, data: unknown): boolean {
  return schemaOf(category, kind).safeParse(data).success;
}

/** A deep copy of `data` with the value at `path` replaced. */
function withValue(data: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = structuredClone(data);
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = target[String(key)];
    if (typeof next !== 'object' || next === null) throw new Error(`no object at ${path.join('.')}`);
    target = next as Record<string, unknown>;
  }
  target[String(path[path.length - 1])] = value;
  return copy;
}

/** A deep copy of `data` with the object at `path` (the root when empty) given one more key. */
function withExtraKey(data: Record<string, unknown>, path: Path): Record<string, unknown> {
  if (path.length === 0) return { ...structuredClone(data), note: 'free text' };
  const copy: Record<string, unknown> = structuredClone(data);
  let target: Record<string, unknown> = copy;
  for (const key of path) {
    const next = target[String(key)];
    if (typeof next !== 'object' || next === null) throw new Error(`no object at ${path.join('.')}`);
    target = next as Record<string, unknown>;
  }
  target.note = 'free text';
  return copy;
}

/** Paths of every nested object in `data`, the root included, so extra keys are tried at every level. */
function objectPaths(data: Record<string, unknown>, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      paths.push(...objectPaths(value as Record<string, unknown>, [...prefix, key]));
    }
  }
  return paths;
}

describe('statusKinds schemas', () => {
  it('has a test case for every category and kind', () => {
    const covered = kindCases.map((c) => `${c.category}/${c.kind}`).sort();
    const defined = categories.flatMap((category) => kindsOf(category).map((kind) => `${category}/${kind}`));
    expect(covered).toEqual(defined.sort());
  });

  for (const testCase of kindCases) {
    const { category, kind, valid } = testCase;

    describe(`${category}/${kind}`, () => {
      it('accepts a valid example and returns it unchanged', () => {
        const parsed = schemaOf(category, kind).safeParse(valid);
        expect(parsed).toEqual({ success: true, data: valid });
      });

      it('rejects an unknown extra key, at every level', () => {
        for (const path of objectPaths(valid)) {
          expect(accepts(category, kind, withExtraKey(valid, path)), path.join('.') || 'root').toBe(false);
        }
      });

      it('rejects leaving out a required field, and accepts leaving out an optional one', () => {
        const optional = testCase.optional ?? [];
        for (const key of Object.keys(valid)) {
          const { [key]: _dropped, ...rest } = valid;
          expect(accepts(category, kind, rest), key).toBe(optional.includes(key));
        }
      });

      for (const path of testCase.dates) {
        it(`rejects malformed dates in ${path.join('.')}`, () => {
          for (const bad of [
            '2026-02-30',
            '2026-1-1',
            '2026-13-01',
            '2026-02-29',
            '26-01-01',
            '2026/01/01',
            '2026-01-01T00:00:00Z',
            '',
            20260101,
          ]) {
            expect(accepts(category, kind, withValue(valid, path, bad)), String(bad)).toBe(false);
          }
          expect(accepts(category, kind, withValue(valid, path, '2028-02-29'))).toBe(true);
          expect(accepts(category, kind, withValue(valid, path, '2026-12-31'))).toBe(true);
        });
      }

      for (const path of testCase.enums) {
        it(`rejects a value outside the set in ${path.join('.')}`, () => {
          for (const bad of ['not_in_the_set', 'FULL', '', 30, '50', true]) {
            expect(accepts(category, kind, withValue(valid, path, bad)), String(bad)).toBe(false);
          }
        });
      }
    });
  }
});

describe('statusKinds, details', () => {
  it('lets planning/plan_active leave out the need group and the follow-up', () => {
    expect(accepts('planning', 'plan_active', { activity: 'studies', since: '2026-02-01' })).toBe(true);
  });

  it('lets care and employment leave out since', () => {
    expect(accepts('care', 'in_contact', { setting: 'other', rehabCoordinator: false })).toBe(true);
    expect(accepts('care', 'no_contact', {})).toBe(true);
    expect(accepts('employment', 'not_registered', {})).toBe(true);
  });

  it('takes the certificate extent only from 25, 50, 75 and 100', () => {
    const base = {
      validFrom: '2026-01-01',
      validUntil: '2026-02-28',
      issuerKind: 'psychiatry',
      dfaChainComplete: true,
    };
    for (const extent of [25, 50, 75, 100]) {
      expect(accepts('certificate', 'issued', { ...base, extentPercent: extent })).toBe(true);
    }
    for (const extent of [0, 10, 33, 99, 101, '100']) {
      expect(accepts('certificate', 'issued', { ...base, extentPercent: extent }), String(extent)).toBe(
        false,
      );
    }
  });

  it('allows null for the insurance parts that may be absent, but not leaving them out', () => {
    const none = {
      sgi: 'unknown',
      sicknessBenefit: false,
      compensation: null,
      pendingApplication: null,
      lastDecision: null,
    };
    expect(accepts('insurance', 'status', none)).toBe(true);
    const { compensation: _compensation, ...withoutCompensation } = none;
    expect(accepts('insurance', 'status', withoutCompensation)).toBe(false);
  });

  it('allows no programme for a registered job seeker as null, and rejects a boolean as a string', () => {
    const registered = {
      activelySeeking: true,
      withImpediment: false,
      programme: null,
      activitySupport: false,
    };
    expect(accepts('employment', 'registered', registered)).toBe(true);
    expect(accepts('employment', 'registered', { ...registered, activelySeeking: 'true' })).toBe(false);
  });

  it('wants between one and twenty diagnosis codes', () => {
    expect(accepts('diagnosis', 'recorded', { codes: [] })).toBe(false);
    expect(accepts('diagnosis', 'recorded', { codes: ['F32.1'] })).toBe(true);
    const codes = Array.from({ length: 21 }, (_, i) => `F${String(10 + i)}.1`);
    expect(accepts('diagnosis', 'recorded', { codes: codes.slice(0, 20) })).toBe(true);
    expect(accepts('diagnosis', 'recorded', { codes })).toBe(false);
    expect(accepts('diagnosis', 'recorded', { codes: 'F32.1' })).toBe(false);
  });
});

describe('ICD-10 codes', () => {
  // The pattern: a capital letter, two digits, optionally a point and one or two digits or capitals.
  const good = ['F32.1', 'M79.7', 'F43.1A', 'F32', 'U07.1', 'Z73.0', 'F32.89', 'S72.0X'];
  const bad = [
    'f32',
    'f32.1',
    '32.1',
    'F3',
    'F32.123',
    'F32.',
    'F321',
    'F32,1',
    'F32.a',
    'FF2.1',
    ' F32.1',
    'F32.1 ',
    'F32.1\n',
    '',
  ];

  it('accepts what the pattern allows, through the pattern and the diagnosis schema', () => {
    for (const code of good) {
      expect(icd10Pattern.test(code), code).toBe(true);
      expect(accepts('diagnosis', 'recorded', { codes: [code] }), code).toBe(true);
    }
  });

  it('rejects anything else, through the pattern and the diagnosis schema', () => {
    for (const code of bad) {
      expect(icd10Pattern.test(code), JSON.stringify(code)).toBe(false);
      expect(accepts('diagnosis', 'recorded', { codes: ['F32.1', code] }), JSON.stringify(code)).toBe(false);
    }
  });
});

describe('statusDataProblems', () => {
  const certificate = {
    validFrom: '2026-03-01',
    validUntil: '2026-03-31',
    extentPercent: 100,
    issuerKind: 'primary_care',
    dfaChainComplete: true,
  };

  it('flags a certificate that ends before it starts, at /data/validUntil', () => {
    const problems = statusDataProblems('certificate', 'issued', {
      ...certificate,
      validUntil: '2026-02-28',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.pointer).toBe('/data/validUntil');
    expect(problems[0]?.detail).toMatch(/validFrom/);
  });

  it('accepts a certificate valid for a single day or longer', () => {
    expect(statusDataProblems('certificate', 'issued', certificate)).toEqual([]);
    expect(statusDataProblems('certificate', 'issued', { ...certificate, validUntil: '2026-03-01' })).toEqual(
      [],
    );
  });

  it('compares dates, not day numbers, across months and years', () => {
    expect(
      statusDataProblems('certificate', 'issued', {
        ...certificate,
        validFrom: '2025-12-20',
        validUntil: '2026-01-05',
      }),
    ).toEqual([]);
    expect(
      statusDataProblems('certificate', 'issued', {
        ...certificate,
        validFrom: '2026-01-05',
        validUntil: '2025-12-20',
      }),
    ).toHaveLength(1);
  });

  const insurance = (compensation: unknown) => ({
    sgi: 'positive',
    sicknessBenefit: false,
    compensation,
    pendingApplication: null,
    lastDecision: null,
  });

  it('flags full compensation that is not 100 % and partial compensation that is', () => {
    for (const compensation of [
      { kind: 'sickness', extent: 'full', degreePercent: 50 },
      { kind: 'sickness', extent: 'full', degreePercent: 75 },
      { kind: 'activity', extent: 'partial', degreePercent: 100 },
    ]) {
      const problems = statusDataProblems('insurance', 'status', insurance(compensation));
      expect(problems, JSON.stringify(compensation)).toHaveLength(1);
      expect(problems[0]?.pointer).toBe('/data/compensation/degreePercent');
    }
  });

  it('accepts consistent compensation and none at all', () => {
    expect(
      statusDataProblems(
        'insurance',
        'status',
        insurance({ kind: 'sickness', extent: 'full', degreePercent: 100 }),
      ),
    ).toEqual([]);
    for (const degree of [25, 50, 75]) {
      expect(
        statusDataProblems(
          'insurance',
          'status',
          insurance({ kind: 'activity', extent: 'partial', degreePercent: degree }),
        ),
      ).toEqual([]);
    }
    expect(statusDataProblems('insurance', 'status', insurance(null))).toEqual([]);
  });

  it('has nothing to say about other kinds', () => {
    expect(statusDataProblems('certificate', 'ended', { endedOn: '2026-03-31' })).toEqual([]);
    expect(statusDataProblems('assistance', 'active', { extent: 'full' })).toEqual([]);
  });
});
