import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  day,
  expectCleared,
  expectRaised,
  newPerson,
  personKeyOf,
  publish,
  recordConsent,
  type SignalWorld,
  setThresholds,
  signalsOf,
  startSignalWorld,
} from './signals-harness';

/**
 * What happens to a signal after it is raised, through the API: thresholds a förbund changes apply at
 * the next evaluation, the party acknowledges, the person's consent ends, and the förbund counts it
 * all with small cells suppressed.
 */
let world: SignalWorld;
beforeAll(async () => {
  world = await startSignalWorld();
});
afterAll(() => world.close());

const rule = 'incapacity-without-care';

/** A person the kommun reported incapacity for `daysAgo` days ago, with no care contact, under consent. */
async function reportedIncapacity(daysAgo: number, options: { followUp?: boolean } = {}) {
  const personnummer = newPerson();
  const consentId = await recordConsent(world, {
    personnummer,
    parties: ['kommun', 'region'],
    categories: ['incapacity', 'care'],
    purposes: ['coordination'],
  });
  if (options.followUp) {
    await recordConsent(world, {
      personnummer,
      parties: ['kommun'],
      extraParties: [world.forbund.id],
      categories: ['assistance'],
      purposes: ['follow_up'],
    });
    await publish(world, 'kommun', {
      personnummer,
      category: 'assistance',
      kind: 'active',
      effectiveDate: day(-200),
      data: { extent: 'full', since: day(-200), obstacle: 'sick_without_certificate' },
    });
  }
  await publish(world, 'kommun', {
    personnummer,
    category: 'incapacity',
    kind: 'reported_without_care_contact',
    effectiveDate: day(-daysAgo),
    data: { reportedOn: day(-daysAgo) },
  });
  return { personnummer, consentId };
}

describe('thresholds set by the förbund', () => {
  it('are listed with the catalogue, and refused outside their bounds or for an unknown rule', async () => {
    const listed = await callApi(world.gateway, world.forbundToken, 'GET', '/v1/signal-rules');
    expect(listed.status).toBe(200);
    const rules = listed.body.rules as Array<{
      id: string;
      thresholds: Array<{ key: string; value: number }>;
    }>;
    expect(rules.map((r) => r.id)).toContain(rule);
    expect(rules.find((r) => r.id === rule)?.thresholds).toEqual([
      expect.objectContaining({ key: 'days', value: 30, default: 30, min: 1, max: 365 }),
    ]);
    const refused = await callApi(
      world.gateway,
      world.forbundToken,
      'PUT',
      `/v1/signal-rules/${rule}/thresholds`,
      {
        days: 0,
        weeks: 2,
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.type).toBe('urn:samsyn:problem:validation-failed');
    expect((refused.body.errors as Array<{ pointer: string }>).map((e) => e.pointer).sort()).toEqual([
      '',
      '/days',
    ]);
    const unknown = await callApi(
      world.gateway,
      world.forbundToken,
      'PUT',
      '/v1/signal-rules/no-such-rule/thresholds',
      {},
    );
    expect(unknown.status).toBe(422);
    // An agency cannot set them, and a förbund's token cannot read signals.
    expect((await callApi(world.gateway, world.token.kommun, 'GET', '/v1/signal-rules')).status).toBe(403);
    expect((await callApi(world.gateway, world.forbundToken, 'GET', '/v1/signals')).status).toBe(403);
  });

  it('take effect at the next evaluation, without a restart, both ways', async () => {
    const { personnummer } = await reportedIncapacity(10);
    await world.runPass();
    // Ten days of no care contact is not yet thirty.
    expect(await signalsOf(world, personnummer, rule, 'kommun')).toEqual([]);
    // The next look is when the thirty days are up; until then the sweep leaves the person alone.
    const [scheduled] = await world.gateway.database.sql<Array<{ due: string }>>`
      select (due_at at time zone 'UTC')::text as due from signal_schedule where person_key = ${personKeyOf(world, personnummer)}`;
    expect(scheduled?.due).toBe(`${day(20)} 00:00:00`);

    const set = await setThresholds(world, rule, { days: 7 });
    expect(set).toMatchObject({ id: rule, thresholds: [expect.objectContaining({ key: 'days', value: 7 })] });
    expect(String((set.explanation as { sv: string }).sv)).toContain('7 dagar');
    await world.runPass();
    const id = await expectRaised(world, personnummer, rule, 'kommun');
    const read = await callApi(world.gateway, world.token.kommun, 'GET', `/v1/signals/${id}`);
    expect(read.body).toMatchObject({ thresholds: { days: 7 }, thresholdsSetBy: world.forbund.id });

    // Stricter again: the condition as the förbund now defines it no longer holds.
    await setThresholds(world, rule, { days: 30 });
    await world.runPass();
    await expectCleared(world, 'kommun', id);
    await setThresholds(world, rule, {});
  });
});

describe('a raised signal', () => {
  let personnummer = '';
  let consentId = '';
  let id = '';

  it('names the person only under consent, and every such read is in the person’s access log', async () => {
    await setThresholds(world, rule, { days: 1 });
    ({ personnummer, consentId } = await reportedIncapacity(5));
    await world.runPass();
    id = await expectRaised(world, personnummer, rule, 'kommun');
    const entries = await world.gateway.database.sql<
      Array<{
        action: string;
        party_id: string;
        officer_id: string;
        purpose: string;
        categories: string[];
        consent_ids: string[];
        legal_basis: string;
      }>
    >`select action, party_id, officer_id, purpose, categories, consent_ids, legal_basis from audit_log
      where person_key = ${personKeyOf(world, personnummer)} and action like 'signal.%' order by id`;
    expect(entries).toContainEqual({
      action: 'signal.evaluated',
      party_id: world.party.kommun.id,
      officer_id: 'samsyn:signals',
      purpose: 'coordination',
      categories: ['care', 'incapacity'],
      consent_ids: [consentId],
      legal_basis: 'public-task-social-protection',
    });
    // expectRaised read it once as the kommun's officer.
    expect(entries.filter((e) => e.action === 'signal.read')).toEqual([
      expect.objectContaining({
        party_id: world.party.kommun.id,
        officer_id: 'kommun-officer',
        consent_ids: [consentId],
      }),
    ]);
    // Ids, purposes and categories only.
    expect(entries.every((e) => !JSON.stringify(e).includes(personnummer.slice(2, 8)))).toBe(true);
    // Someone else's signal does not exist.
    expect((await callApi(world.gateway, world.token.fk, 'GET', `/v1/signals/${id}`)).status).toBe(404);
  });

  it('records the acknowledgement: the outcome, the reason and the officer', async () => {
    const missing = await callApi(
      world.gateway,
      world.token.kommun,
      'POST',
      `/v1/signals/${id}/acknowledgements`,
      {
        outcome: 'not_relevant',
      },
    );
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([expect.objectContaining({ pointer: '/reason' })]);
    const leaking = await callApi(
      world.gateway,
      world.token.kommun,
      'POST',
      `/v1/signals/${id}/acknowledgements`,
      {
        outcome: 'not_relevant',
        reason: `Gäller ${personnummer}`,
      },
    );
    expect(leaking.status).toBe(422);
    const other = await callApi(
      world.gateway,
      world.token.region,
      'POST',
      `/v1/signals/${id}/acknowledgements`,
      {
        outcome: 'acted',
      },
    );
    expect(other.status).toBe(404);
    const acked = await callApi(
      world.gateway,
      world.token.kommun,
      'POST',
      `/v1/signals/${id}/acknowledgements`,
      {
        outcome: 'acted',
        reason: 'Vårdcentralen kontaktad, tid bokad.',
      },
    );
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({
      state: 'acknowledged',
      acknowledgement: {
        outcome: 'acted',
        reason: 'Vårdcentralen kontaktad, tid bokad.',
        officer: 'kommun-officer',
      },
    });
    const listed = await callApi(
      world.gateway,
      world.token.kommun,
      'GET',
      `/v1/signals?state=acknowledged&rule=${rule}`,
    );
    expect((listed.body.signals as Array<{ id: string }>).map((s) => s.id)).toContain(id);
  });

  it('closes when the consent is withdrawn, tells the party, and names nobody any more', async () => {
    const revoked = await callApi(
      world.gateway,
      world.token.kommun,
      'POST',
      `/v1/consents/${consentId}/revocation`,
      {
        reason: 'Personen återkallade samtycket.',
      },
    );
    expect(revoked.status).toBe(200);
    await world.runPass();
    await expectCleared(world, 'kommun', id, 'consent_ended');
    const read = await callApi(world.gateway, world.token.kommun, 'GET', `/v1/signals/${id}`);
    expect(read.body).toMatchObject({ person: null, acknowledgement: { outcome: 'acted' } });
    const [reads] = await world.gateway.database.sql<Array<{ n: number }>>`
      select count(*)::int as n from audit_log where person_key = ${personKeyOf(world, personnummer)} and action = 'signal.read'`;
    // The one read while the consent held; the read after the withdrawal named nobody and logged nothing.
    expect(reads?.n).toBe(1);
  });
});

describe('the förbund’s figures', () => {
  it('count signals raised, acknowledged and acted on per rule, and the days to clearing, small cells hidden', async () => {
    await setThresholds(world, rule, { days: 1 });
    const from = day(0);
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await reportedIncapacity(3, { followUp: true }));
    // Someone without a follow-up consent is not counted.
    await reportedIncapacity(3);
    await world.runPass();
    const ids: string[] = [];
    for (const { personnummer } of people) {
      const [row] = await signalsOf(world, personnummer, rule, 'kommun');
      ids.push(row?.id ?? '');
    }
    for (const id of ids.slice(0, 5)) {
      const acked = await callApi(
        world.gateway,
        world.token.kommun,
        'POST',
        `/v1/signals/${id}/acknowledgements`,
        {
          outcome: 'acted',
        },
      );
      expect(acked.status).toBe(200);
    }
    await callApi(world.gateway, world.token.kommun, 'POST', `/v1/signals/${ids[5]}/acknowledgements`, {
      outcome: 'not_relevant',
      reason: 'Har redan vårdkontakt i annan region.',
    });
    for (const { personnummer } of people.slice(0, 5)) {
      await publish(world, 'region', {
        personnummer,
        category: 'care',
        kind: 'in_contact',
        effectiveDate: day(0),
        data: { setting: 'primary_care', rehabCoordinator: true },
      });
    }
    await world.runPass();

    const figures = await callApi(
      world.gateway,
      world.forbundToken,
      'GET',
      `/v1/metrics/signals?from=${from}&to=${day(0)}`,
    );
    expect(figures.status).toBe(200);
    expect(figures.body).toMatchObject({
      forbund: world.forbund.id,
      kommuner: [world.party.kommun.id],
      threshold: 5,
    });
    const tables = figures.body.tables as Array<{
      key: string;
      base: number | null;
      cells: Array<{ key: string; count: number | null; suppressed: boolean }>;
    }>;
    const raised = tables.find((t) => t.key === 'signals_raised');
    expect(raised?.base).toBe(6);
    expect(raised?.cells.find((c) => c.key === rule)?.count).toBe(6);
    const ofRule = tables.find((t) => t.key === `signals_${rule}`);
    expect(Object.fromEntries((ofRule?.cells ?? []).map((c) => [c.key, c.count]))).toEqual({
      acknowledged: 6,
      acted: 5,
      not_relevant: null,
      condition_cleared: 5,
    });
    expect(ofRule?.cells.find((c) => c.key === 'not_relevant')?.suppressed).toBe(true);
    // Rules nobody was signalled under are zero, which is published.
    expect(tables.find((t) => t.key === 'signals_passive-sick-listing')?.base).toBe(0);
    const statistics = figures.body.statistics as Array<{
      key: string;
      n: number | null;
      value: number | null;
    }>;
    const median = statistics.find((s) => s.key === `median_days_to_clearing_${rule}`);
    expect(median?.n).toBe(5);
    expect(median?.value).toBeGreaterThanOrEqual(0);
    expect(median?.value).toBeLessThan(1);
    // A member kommun reads its own part; the figures name nobody.
    const own = await callApi(
      world.gateway,
      world.token.kommun,
      'GET',
      `/v1/metrics/signals?from=${from}&to=${day(0)}`,
    );
    expect(own.status).toBe(200);
    for (const { personnummer } of people)
      expect(JSON.stringify(figures.body)).not.toContain(personnummer.slice(2, 8));
    const backwards = await callApi(
      world.gateway,
      world.forbundToken,
      'GET',
      `/v1/metrics/signals?from=${day(0)}&to=${day(-1)}`,
    );
    expect(backwards.status).toBe(422);
  });
});
