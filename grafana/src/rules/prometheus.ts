import {
  ALERT_GROUP_TITLES,
  ALERTS,
  alertExpr,
  RECORDING_GROUPS,
  runbookText,
  type AlertDefinition,
  type AlertGroupName,
} from './definitions.ts';

/** Annotation templates for Prometheus: `VALUE` becomes `$value`. */
export function prometheusTemplate(text: string): string {
  return text.replace(/\bVALUE\b/g, '$value');
}

export interface PrometheusRuleFile {
  groups: Array<{ name: string; interval?: string; rules: Array<Record<string, unknown>> }>;
}

export function recordingRuleFile(): PrometheusRuleFile {
  return {
    groups: RECORDING_GROUPS.map((g) => ({
      name: g.name,
      interval: g.interval,
      rules: g.rules.map((r) => ({ record: r.record, expr: r.expr })),
    })),
  };
}

function alertRule(a: AlertDefinition, forOverride?: string): Record<string, unknown> {
  return {
    alert: a.name,
    expr: alertExpr(a),
    for: forOverride ?? a.for,
    labels: { severity: a.severity, llmtel_group: a.group },
    annotations: {
      summary: prometheusTemplate(a.summary),
      description: prometheusTemplate(a.description),
      runbook: runbookText(a),
    },
  };
}

/**
 * The alert groups. `fast` is the variant the end-to-end test loads: every `for:` is 0s and the groups evaluate
 * every 5s, so an injected failure fires within a test's patience; the expressions are the same.
 */
export function alertRuleFile(opts: { fast?: boolean } = {}): PrometheusRuleFile {
  const groups = Object.keys(ALERT_GROUP_TITLES) as AlertGroupName[];
  return {
    groups: groups.map((g) => ({
      name: ALERT_GROUP_TITLES[g],
      ...(opts.fast ? { interval: '5s' } : {}),
      rules: ALERTS.filter((a) => a.group === g).map((a) => alertRule(a, opts.fast ? '0s' : undefined)),
    })),
  };
}
