/**
 * The Finsam target-group snapshot at scale: a fresh database with `persons` people and ten status
 * events each (current statuses and superseded history), with their status periods, current statuses,
 * follow-up facts and follow-up consents, as publishing would have left them; then the complete
 * target-group report for today against a plain GROUP BY scan of the same events.
 */
import { randomBytes } from 'node:crypto';
import { createDatabase, type Database, runMigrations } from '@samsyn/db';
import postgres from 'postgres';
import { databaseUrlFor, testEnv } from '../../../packages/testkit/src/env';
import { targetGroupReport } from '../../../services/metrics/src/target-group';

export interface SnapshotDataset {
  url: string;
  persons: number;
  buildSeconds: number;
  drop(): Promise<void>;
}

const scope = { forbundId: 'forbund:bench', kommunIds: ['kommun:9901'], ownPart: false };

/** Realistic person keys: 43 characters of base64url, as the HMAC of a personnummer gives. */
const personKey = (g: string) =>
  `translate(rtrim(encode(sha256(('bench-' || ${g})::bytea), 'base64'), '='), '+/', '-_')`;

/**
 * Ten events a person, several of them superseded history, as years of publishing would leave: two
 * assistance decisions, two insurance statuses, one of everything else. `age_days` is how long before
 * today (less a per-person shift) the event took effect.
 */
const eventShapes = `(values
  (0, 'kommun:9901', 'assistance', 'active', 2000), (1, 'kommun:9901', 'assistance', 'active', 900),
  (2, 'kommun:9901', 'planning', 'need_assessed', 500), (3, 'kommun:9901', 'incapacity', 'suspected_by_social_worker', 700),
  (4, 'region:99', 'care', 'in_contact', 800), (5, 'region:99', 'certificate', 'issued', 600),
  (6, 'region:99', 'diagnosis', 'recorded', 650), (7, 'fk', 'insurance', 'status', 1200),
  (8, 'fk', 'insurance', 'status', 400), (9, 'af', 'employment', 'registered', 300)
) as e(n, party, category, kind, age_days)`;

/** Events 0 and 7 are superseded by 1 and 8: their periods end where the later ones begin. */
const periodEnd = `case
  when category = 'assistance' and effective_date <= current_date - 2000 then effective_date + 1100
  when category = 'insurance' and effective_date <= current_date - 1200 then effective_date + 800
end`;

function eventsFor(from: number, to: number) {
  return `
    insert into status_events (id, person_key, party_id, category, kind, effective_date, data, officer_id)
    select ('00000000-0000-4000-8000-' || lpad(to_hex(p.g * 16 + e.n), 12, '0'))::uuid, p.key, e.party, e.category, e.kind,
      current_date - e.age_days - (p.g % 300),
      case e.category
        when 'assistance' then jsonb_build_object('extent', 'full', 'since', (current_date - 400 - (p.g % 3000))::text, 'obstacle', 'sick_without_certificate')
        when 'insurance' then jsonb_build_object('sgi', (array['zero','unknown','positive'])[1 + p.g % 3], 'sicknessBenefit', false,
          'compensation', case when p.g % 7 = 0 then jsonb_build_object('kind', 'activity', 'extent', case when p.g % 2 = 0 then 'full' else 'partial' end, 'degreePercent', case when p.g % 2 = 0 then 100 else 50 end) end,
          'pendingApplication', null, 'lastDecision', null)
        when 'certificate' then jsonb_build_object('validFrom', (current_date - 60)::text, 'validUntil', (current_date + 30 - (p.g % 2) * 90)::text,
          'extentPercent', 100, 'issuerKind', (array['primary_care','psychiatry','other'])[1 + p.g % 3], 'dfaChainComplete', true)
        when 'care' then jsonb_build_object('setting', 'primary_care', 'rehabCoordinator', false)
        when 'employment' then jsonb_build_object('activelySeeking', p.g % 2 = 0, 'withImpediment', false, 'programme', null, 'activitySupport', false)
        when 'planning' then jsonb_build_object('needGroup', (array['AM1','AM2','AM3','RH1','RH2','RH3'])[1 + p.g % 6], 'assessedOn', (current_date - 100)::text)
        when 'diagnosis' then jsonb_build_object('codes', jsonb_build_array((array['F32.1','M79.7','F43.1','F41.1'])[1 + p.g % 4]))
        else jsonb_build_object('notedOn', (current_date - 100)::text)
      end, 'bench'
    -- offset 0 keeps the key computed once a person, not once an event.
    from (select g, ${personKey('g')} as key from generate_series(${from}, ${to}) g offset 0) p
    cross join ${eventShapes}`;
}

/** Runs the tasks on up to `width` connections at once (the machine has two cores). */
async function inParallel(tasks: Array<() => Promise<unknown>>, width = 2) {
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let task = queue.shift(); task; task = queue.shift()) await task();
    }),
  );
}

function halves(persons: number): Array<[number, number]> {
  const middle = Math.floor(persons / 2);
  return [
    [1, middle],
    [middle + 1, persons],
  ];
}

export async function buildSnapshotDataset(options: {
  persons: number;
  say: (line: string) => void;
}): Promise<SnapshotDataset> {
  const { persons, say } = options;
  const name = `samsyn_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(testEnv.adminDatabaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = databaseUrlFor(name);
  const drop = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
  try {
    await runMigrations(url);
    const started = performance.now();
    // A bulk load's session: no waiting for the WAL flush, large sort memory for the index builds, and
    // no foreign-key triggers, since every row refers to rows this load wrote first.
    const sql = postgres(url, {
      max: 2,
      onnotice: () => {},
      connection: {
        synchronous_commit: 'off',
        maintenance_work_mem: '1GB',
        work_mem: '256MB',
        max_parallel_maintenance_workers: 0,
        session_replication_role: 'replica',
      },
    });
    const step = async (label: string, work: () => Promise<unknown>) => {
      const begun = performance.now();
      await work();
      say(`  ${label}: ${((performance.now() - begun) / 1000).toFixed(1)} s`);
    };
    try {
      // A throwaway database: the big tables need no WAL (crash safety is worth nothing here), and the
      // indexes are built once after loading instead of row by row. Referencing tables go first.
      const unlogged = ['follow_up_facts', 'current_statuses', 'status_periods', 'status_events'];
      for (const table of unlogged) await sql.unsafe(`alter table ${table} set unlogged`);
      const rebuilt = await sql<{ name: string; definition: string; table: string; constraint: boolean }[]>`
        select i.indexrelid::regclass::text as name, i.indrelid::regclass::text as table,
               c.conname is not null as constraint,
               coalesce('alter table ' || i.indrelid::regclass::text || ' add constraint ' || c.conname || ' '
                        || pg_get_constraintdef(c.oid), pg_get_indexdef(i.indexrelid)) as definition
        from pg_index i left join pg_constraint c on c.conindid = i.indexrelid and c.contype = 'p'
        where i.indrelid::regclass::text in ('status_events', 'status_periods', 'current_statuses', 'consents', 'sips')
          -- Kept: the keys other tables' foreign keys hang on (the event ids are filled in key order anyway).
          and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = i.indexrelid)
          and not (c.conname is null and i.indisprimary)`;
      for (const index of rebuilt) {
        if (index.constraint) await sql.unsafe(`alter table ${index.table} drop constraint ${index.name}`);
        else await sql.unsafe(`drop index ${index.name}`);
      }
      await sql`insert into parties (id, kind, display_name, jwks, member_ids) values
        ('kommun:9901', 'kommun', 'Bench kommun', '{"keys":[]}', '{}'),
        ('region:99', 'region', 'Bench region', '{"keys":[]}', '{}'),
        ('fk', 'fk', 'FK', '{"keys":[]}', '{}'),
        ('af', 'af', 'AF', '{"keys":[]}', '{}'),
        ('forbund:bench', 'forbund', 'Bench förbund', '{"keys":[]}', '{kommun:9901,region:99,fk,af}')`;
      await step('persons, consents and SIPs', () =>
        inParallel(
          halves(persons).map(([from, to]) => async () => {
            await sql.unsafe(`
              insert into persons (person_key, sealed_number, number_kind, birth_year, birth_month, legal_sex)
              select ${personKey('g')}, 'v1.x.x.x', 'personnummer', 1962 + g % 36, 1 + g % 12,
                     case when g % 2 = 0 then 'female' else 'male' end
              from generate_series(${from}, ${to}) g`);
            // A follow-up consent naming the förbund and all four parties, as the Kaosam forms do.
            await sql.unsafe(`
              insert into consents (id, person_key, given_by, parties, categories, purposes, valid_from, valid_until, form,
                                    evidence_reference, plain_language_text, legal_basis, recorded_by_party, recorded_by_officer)
              select ('00000000-0000-4000-9000-' || lpad(to_hex(g), 12, '0'))::uuid, ${personKey('g')}, 'person',
                     '{kommun:9901,region:99,fk,af,forbund:bench}',
                     '{assistance,planning,incapacity,care,certificate,diagnosis,insurance,coordination,employment}',
                     '{follow_up,sip}', now() - interval '1 year', now() + interval '1 year', 'written', 'bench', 'bench',
                     'public-task-follow-up', 'kommun:9901', 'bench'
              from generate_series(${from}, ${to}) g`);
            // One in twenty has a SIP, a third of them closed.
            await sql.unsafe(`
              insert into sips (id, person_key, consent_id, phase, participants, principal_party, coordinator, needs, goals,
                                actions, opened_by_party, opened_by_officer, opened_at, closed_at)
              select ('00000000-0000-4000-a000-' || lpad(to_hex(g), 12, '0'))::uuid, ${personKey('g')},
                     ('00000000-0000-4000-9000-' || lpad(to_hex(g), 12, '0'))::uuid, 'follow_up', '{kommun:9901,region:99}',
                     'kommun:9901', '{"party":"kommun:9901","name":"Bench"}', '[]', '[]', '[]', 'kommun:9901', 'bench',
                     now() - interval '100 days', case when g % 60 = 0 then now() - interval '10 days' end
              from generate_series(${from}, ${to}) g where g % 20 = 0`);
          }),
        ),
      );
      await step('status events', () =>
        inParallel(
          halves(persons).map(
            ([from, to]) =>
              () =>
                sql.unsafe(eventsFor(from, to)),
          ),
        ),
      );
      // What publishing maintains event by event, built here in one pass each.
      await step('status periods and current statuses', () =>
        inParallel([
          () =>
            sql.unsafe(`
              insert into status_periods (event_id, person_key, party_id, category, kind, data, valid_from, valid_until)
              select id, person_key, party_id, category, kind, data, effective_date, ${periodEnd}
              from status_events`),
          () =>
            sql.unsafe(`
              insert into current_statuses (person_key, party_id, category, event_id, kind, effective_date, data, published_at)
              select person_key, party_id, category, id, kind, effective_date, data, published_at
              from status_events where ${periodEnd} is null`),
        ]),
      );
      await step('follow-up facts and indexes', () =>
        inParallel([
          () => sql`insert into follow_up_facts select * from follow_up_facts_source`,
          ...rebuilt.map((index) => () => sql.unsafe(index.definition)),
        ]),
      );
      await step('analyze', () => sql`analyze`);
    } finally {
      await sql.end({ timeout: 5 });
    }
    const buildSeconds = (performance.now() - started) / 1000;
    return { url, persons, buildSeconds, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

const databases = new Map<string, Database>();

function databaseOf(dataset: SnapshotDataset): Database {
  const held = databases.get(dataset.url);
  if (held) return held;
  const database = createDatabase({ url: dataset.url, maxConnections: 4 });
  databases.set(dataset.url, database);
  return database;
}

/** Closes the connections `runSnapshotOnce` and `measureSnapshot` opened to the dataset. */
export async function closeSnapshotConnections(dataset: SnapshotDataset) {
  await databases.get(dataset.url)?.close();
  databases.delete(dataset.url);
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** Runs one full target-group report (the product's own code path for today's date) on the dataset. */
export async function runSnapshotOnce(dataset: SnapshotDataset): Promise<{ ms: number; groupSize: number }> {
  const at = new Date().toISOString().slice(0, 10);
  const run = await timed(() => targetGroupReport(databaseOf(dataset).db, scope, at, undefined, 5));
  const criteria = run.value.find((table) => table.key === 'criteria');
  return { ms: run.ms, groupSize: criteria?.type === 'overlapping' ? (criteria.base ?? 0) : 0 };
}

async function scanOnce(dataset: SnapshotDataset): Promise<number> {
  const { sql } = databaseOf(dataset);
  return (await timed(() => sql`select category, kind, count(*) from status_events group by category, kind`))
    .ms;
}

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Warm-up then `repeats` alternating runs of the GROUP BY baseline and the report; medians. */
export async function measureSnapshot(
  dataset: SnapshotDataset,
  options: { repeats: number; say: (line: string) => void },
): Promise<{
  scanMs: number;
  snapshotMs: number;
  ratio: number;
  scans: number[];
  snapshots: number[];
  groupSize: number;
}> {
  // Warm up both (caches, hint bits, JIT), then alternate so drift hits both alike.
  await scanOnce(dataset);
  await runSnapshotOnce(dataset);
  const scans: number[] = [];
  const snapshots: number[] = [];
  let groupSize = 0;
  for (let i = 0; i < options.repeats; i++) {
    scans.push(await scanOnce(dataset));
    const run = await runSnapshotOnce(dataset);
    snapshots.push(run.ms);
    groupSize = run.groupSize;
    options.say(`  run ${i + 1}: scan ${(scans[i] ?? 0).toFixed(0)} ms, snapshot ${run.ms.toFixed(0)} ms`);
  }
  const scanMs = medianOf(scans);
  const snapshotMs = medianOf(snapshots);
  return { scanMs, snapshotMs, ratio: snapshotMs / scanMs, scans, snapshots, groupSize };
}
