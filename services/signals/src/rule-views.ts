import { explain, resolveThresholds, ruleOf, type SignalRuleId } from '@samsyn/domain';

/** A rule of the catalogue as a förbund sees it: the explanation and the thresholds that apply for it. */
export function ruleView(id: SignalRuleId, own: { thresholds: unknown; updatedAt: Date } | undefined) {
  const rule = ruleOf(id);
  const values = resolveThresholds(id, own?.thresholds);
  return {
    id,
    title: rule.title,
    explanation: explain(id, values),
    reads: [...rule.reads],
    readsSips: rule.sips,
    purpose: rule.purpose,
    informs: rule.informs.filter((kind) => kind !== 'forbund'),
    source: rule.source,
    thresholds: Object.entries(rule.thresholds).map(([key, spec]) => ({
      key,
      unit: spec.unit,
      value: values[key] ?? spec.default,
      default: spec.default,
      min: spec.min,
      max: spec.max,
      description: spec.description,
    })),
    thresholdsUpdatedAt: own?.updatedAt.toISOString() ?? null,
  };
}
