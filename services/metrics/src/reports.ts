import type { AgencyCaller } from '@samsyn/auth';
import type { Db } from '@samsyn/db';
import { type FiguresScope, figuresScopeFor, ProblemError } from '@samsyn/http';
import { flowDefinitions, flowTables } from './flows';
import { outcomeDefinitions, outcomesOf, outcomeTables } from './outcomes';
import type { PublishedTable } from './report';
import { targetGroupDefinitions, targetGroupReport, targetGroupRows } from './target-group';

/**
 * The three follow-up reports, whole, as the API returns them and the dashboard shows them: both go
 * through these functions, so a figure on screen is the figure in the JSON.
 */
export interface ReportSource {
  db: Db;
  threshold: number;
}

export interface TargetGroupRequest {
  at: string;
  previous?: string | undefined;
  forbund?: string | undefined;
}
export interface OutcomeRequest {
  baseline: string;
  followUp: string;
  previous?: string | undefined;
  forbund?: string | undefined;
}
export interface FlowRequest {
  from: string;
  to: string;
  forbund?: string | undefined;
}

function refuseOrder(pointer: string, detail: string): never {
  throw new ProblemError('validation-failed', detail, { errors: [{ location: 'query', pointer, detail }] });
}

function reportBase(scope: FiguresScope, threshold: number, started: number, tables: PublishedTable[]) {
  return {
    forbund: scope.forbundId,
    kommuner: scope.kommunIds,
    threshold,
    computedAt: new Date().toISOString(),
    computationMs: Math.round(performance.now() - started),
    tables,
  };
}

export async function targetGroupFor(source: ReportSource, caller: AgencyCaller, query: TargetGroupRequest) {
  const started = performance.now();
  if (query.previous && query.previous >= query.at) refuseOrder('/previous', 'must be before at');
  const scope = await figuresScopeFor(source.db, caller, query.forbund);
  const tables = await targetGroupReport(source.db, scope, query.at, query.previous, source.threshold);
  return {
    ...reportBase(scope, source.threshold, started, tables),
    at: query.at,
    previous: query.previous ?? null,
    definitions: targetGroupDefinitions,
  };
}

export async function outcomesFor(source: ReportSource, caller: AgencyCaller, query: OutcomeRequest) {
  const started = performance.now();
  if (query.followUp <= query.baseline) refuseOrder('/followUp', 'must be after baseline');
  if (query.previous && query.previous >= query.baseline) refuseOrder('/previous', 'must be before baseline');
  const scope = await figuresScopeFor(source.db, caller, query.forbund);
  const baseline = await targetGroupRows(source.db, scope, query.baseline);
  const outcomes = await outcomesOf(source.db, scope, baseline, query.followUp);
  const previous = query.previous
    ? new Set((await targetGroupRows(source.db, scope, query.previous)).keys())
    : undefined;
  const tables = outcomeTables(baseline, outcomes, previous, source.threshold);
  return {
    ...reportBase(scope, source.threshold, started, tables),
    baseline: query.baseline,
    followUp: query.followUp,
    previous: query.previous ?? null,
    definitions: { ...targetGroupDefinitions, ...outcomeDefinitions },
  };
}

export async function flowsFor(source: ReportSource, caller: AgencyCaller, query: FlowRequest) {
  const started = performance.now();
  if (query.to < query.from) refuseOrder('/to', 'must not be before from');
  const scope = await figuresScopeFor(source.db, caller, query.forbund);
  const { tables, statistics } = await flowTables(source.db, scope, query.from, query.to, source.threshold);
  return {
    ...reportBase(scope, source.threshold, started, tables),
    from: query.from,
    to: query.to,
    statistics,
    definitions: flowDefinitions,
  };
}

export type TargetGroupReport = Awaited<ReturnType<typeof targetGroupFor>>;
export type OutcomeReport = Awaited<ReturnType<typeof outcomesFor>>;
export type FlowReport = Awaited<ReturnType<typeof flowsFor>>;
