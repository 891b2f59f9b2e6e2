/**
 * `pnpm bench:metrics`: the full target-group table for BENCH_PERSONS people (default 1,000,000) with
 * ten events each, against a plain GROUP BY scan of the same events table measured in the same run.
 * Builds its own database on TEST_DATABASE_URL's server, drops it afterwards. Prints times and ratios.
 */
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { createDatabase, runMigrations } from '@samsyn/db';
import { createLogger } from '@samsyn/http';
import postgres from 'postgres';
import { databaseUrlFor, testEnv } from '../../packages/testkit/src/env';
import { targetGroupRows, targetGroupTables } from '../../services/metrics/src/target-group';

const persons = Number(process.env.BENCH_PERSONS ?? 1_000_000);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const name = `samsyn_bench_${randomBytes(4).toString('hex')}`;
const log = createLogger({ name: 'bench', level: 'info' });
const say = (message: string) => process.stdout.write(`${message}\n`);

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

const admin = postgres(testEnv.adminDatabaseUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = databaseUrlFor(name);
try {
  await runMigrations(url);
  const database = createDatabase({ url, maxConnections: 4 });
  const sql = database.sql;
  const at = new Date().toISOString().slice(0, 10);
  say(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`);
  say(`building ${persons.toLocaleString('en')} persons and ${(persons * 10).toLocaleString('en')} events…`);
  const build = await timed(async () => {
    await sql`insert into parties (id, kind, display_name, jwks, member_ids) values
      ('kommun:9901', 'kommun', 'Bench kommun', '{"keys":[]}', '{}'),
      ('region:99', 'region', 'Bench region', '{"keys":[]}', '{}'),
      ('fk', 'fk', 'FK', '{"keys":[]}', '{}'),
      ('af', 'af', 'AF', '{"keys":[]}', '{}'),
      ('forbund:bench', 'forbund', 'Bench förbund', '{"keys":[]}', '{kommun:9901,region:99,fk,af}')`;
    await sql.unsafe(`
      insert into persons (person_key, sealed_number, number_kind, birth_year, birth_month, legal_sex)
      select 'p' || g, 'v1.x.x.x', 'personnummer', 1962 + g % 36, 1 + g % 12, case when g % 2 = 0 then 'female' else 'male' end
      from generate_series(1, ${persons}) g`);
    await sql.unsafe(`
      insert into consents (id, person_key, given_by, parties, categories, purposes, valid_from, valid_until, form,
                            evidence_reference, plain_language_text, legal_basis, recorded_by_party, recorded_by_officer)
      select gen_random_uuid(), 'p' || g, 'person', '{kommun:9901,forbund:bench}',
             '{assistance,planning,incapacity,care,certificate,diagnosis,insurance,coordination,employment}',
             '{follow_up}', now() - interval '1 year', now() + interval '1 year', 'written', 'bench', 'bench',
             'public-task-follow-up', 'kommun:9901', 'bench'
      from generate_series(1, ${persons}) g`);
    // Ten events a person, several of them superseded history, as years of publishing would leave.
    await sql.unsafe(`
      insert into status_events (id, person_key, party_id, category, kind, effective_date, data, officer_id)
      select gen_random_uuid(), 'p' || g, e.party, e.category, e.kind, current_date - e.age_days - (g % 300),
        case e.category
          when 'assistance' then jsonb_build_object('extent', 'full', 'since', (current_date - 400 - (g % 3000))::text, 'obstacle', 'sick_without_certificate')
          when 'insurance' then jsonb_build_object('sgi', (array['zero','unknown','positive'])[1 + g % 3], 'sicknessBenefit', false,
            'compensation', case when g % 7 = 0 then jsonb_build_object('kind','activity','extent', case when g % 2 = 0 then 'full' else 'partial' end,'degreePercent', case when g % 2 = 0 then 100 else 50 end) else null end,
            'pendingApplication', null, 'lastDecision', null)
          when 'certificate' then jsonb_build_object('validFrom', (current_date - 60)::text, 'validUntil', (current_date + 30 - (g % 2) * 90)::text,
            'extentPercent', 100, 'issuerKind', (array['primary_care','psychiatry','other'])[1 + g % 3], 'dfaChainComplete', true)
          when 'care' then jsonb_build_object('setting', 'primary_care', 'rehabCoordinator', false)
          when 'employment' then jsonb_build_object('activelySeeking', g % 2 = 0, 'withImpediment', false, 'programme', null, 'activitySupport', false)
          when 'coordination' then jsonb_build_object('samordning', 'applied', 'reinforcedCooperation', g % 10 = 0, 'jointMapping', false)
          when 'planning' then jsonb_build_object('needGroup', (array['AM1','AM2','AM3','RH1','RH2','RH3'])[1 + g % 6], 'assessedOn', (current_date - 100)::text)
          when 'diagnosis' then jsonb_build_object('codes', jsonb_build_array((array['F32.1','M79.7','F43.1','F41.1'])[1 + g % 4]))
          else jsonb_build_object('reportedOn', (current_date - 100)::text)
        end, 'bench'
      from generate_series(1, ${persons}) g
      cross join (values
        ('kommun:9901', 'assistance', 'active', 2000), ('kommun:9901', 'assistance', 'active', 900),
        ('kommun:9901', 'planning', 'need_assessed', 500), ('kommun:9901', 'incapacity', 'suspected_by_social_worker', 700),
        ('region:99', 'care', 'in_contact', 800), ('region:99', 'certificate', 'issued', 600),
        ('region:99', 'diagnosis', 'recorded', 650), ('fk', 'insurance', 'status', 1200),
        ('fk', 'insurance', 'status', 400), ('af', 'employment', 'registered', 300)
      ) as e(party, category, kind, age_days)`);
    // What publishing maintains event by event, built here in one pass.
    await sql.unsafe(`
      insert into status_periods (event_id, person_key, party_id, category, kind, data, valid_from, valid_until)
      select id, person_key, party_id, category, kind, data, effective_date,
             lead(effective_date) over (partition by person_key, party_id, category order by effective_date, position)
      from status_events`);
    await sql.unsafe('analyze');
  });
  say(`built in ${(build.ms / 1000).toFixed(1)} s`);

  const scope = { forbundId: 'forbund:bench', kommunIds: ['kommun:9901'] };
  if (process.env.BENCH_PROFILE) {
    const { peopleAt } = await import('../../services/metrics/src/people');
    const load = await timed(() => peopleAt(database.db, scope, at));
    say(`profile: loading ${load.value.size} people took ${load.ms.toFixed(0)} ms`);
  }
  const scan = async () => sql`select category, kind, count(*) from status_events group by category, kind`;
  const snapshot = async () => targetGroupTables(await targetGroupRows(database.db, scope, at), undefined, 5);
  // Warm up both (caches, JIT), then alternate so drift hits both alike.
  await scan();
  await snapshot();
  const scans: number[] = [];
  const snapshots: number[] = [];
  let groupSize = 0;
  for (let i = 0; i < repeats; i++) {
    scans.push((await timed(scan)).ms);
    const run = await timed(snapshot);
    snapshots.push(run.ms);
    const criteria = run.value.find((table) => table.key === 'criteria');
    groupSize = criteria?.type === 'overlapping' ? (criteria.base ?? 0) : 0;
  }
  const medianOf = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const scanMs = medianOf(scans);
  const snapshotMs = medianOf(snapshots);
  say(`target group: ${groupSize.toLocaleString('en')} people`);
  say(
    `baseline  GROUP BY scan of status_events: median ${(scanMs / 1000).toFixed(2)} s  (runs: ${scans.map((m) => (m / 1000).toFixed(2)).join(', ')})`,
  );
  say(
    `target-group table (all tables, suppressed): median ${(snapshotMs / 1000).toFixed(2)} s  (runs: ${snapshots.map((m) => (m / 1000).toFixed(2)).join(', ')})`,
  );
  say(`ratio snapshot / scan: ${(snapshotMs / scanMs).toFixed(2)}`);
  await database.close();
} catch (error) {
  log.error({ err: error }, 'benchmark failed');
  process.exitCode = 1;
} finally {
  if (process.env.BENCH_KEEP) say(`kept database ${name}`);
  else await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
