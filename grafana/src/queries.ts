import { ALERTS } from './rules/definitions.ts';
import { ruleUid } from './rules/grafana-alerting.ts';

/** Which component must be running (and have seen traffic) for a query to return data. */
export type QuerySource = 'app' | 'usage-exporter' | 'collector' | 'prober' | 'prometheus';

export interface PromQuery {
  /** Where the query lives: a dashboard panel, a dashboard variable or a Grafana-managed alert rule. */
  kind: 'panel' | 'variable' | 'alert';
  /** Dashboard uid or alert rule uid. */
  uid: string;
  /** Panel title, variable name or alert name. */
  title: string;
  refId: string;
  /** The expression as written, with Grafana variables. */
  expr: string;
  /** The same with variables resolved (All selected, `$__rate_interval` 1m, `$__range` 1h): runnable as is. */
  promql: string;
  instant: boolean;
  requires: QuerySource[];
}

export interface ResolveOptions {
  rateInterval?: string;
  range?: string;
}

/** Replaces Grafana's variables by the values a dashboard has with "All" selected. */
export function resolveExpr(expr: string, o: ResolveOptions = {}): string {
  return expr
    .replace(/\$__rate_interval\b/g, o.rateInterval ?? '1m')
    .replace(/\$__range\b/g, o.range ?? '1h')
    .replace(/\$__interval\b/g, o.rateInterval ?? '1m')
    .replace(/\$(provider|model|service)\b/g, '.*');
}

const SOURCES: Array<[RegExp, QuerySource]> = [
  [/\b(gen_ai_client_|llmtel_client_)/, 'app'],
  [/\b(provider_model|provider):/, 'app'],
  [/\bllmtel_usage_/, 'usage-exporter'],
  [/\botelcol_/, 'collector'],
  [/\bllmtel_probe_|provider_service:/, 'prober'],
  [/\bup\b/, 'prometheus'],
];

function requires(expr: string): QuerySource[] {
  return SOURCES.filter(([re]) => re.test(expr)).map(([, s]) => s);
}

interface DashboardJson {
  uid: string;
  panels?: Array<{ title?: string; targets?: Array<{ refId?: string; expr?: string; instant?: boolean }> }>;
  templating?: { list?: Array<{ name: string; definition?: string; query?: unknown }> };
}

/** `label_values(metric{sel}, label)` as a PromQL query that returns one series per label value. */
function variablePromql(definition: string): string {
  const m = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(definition);
  if (!m) throw new Error(`unsupported variable query ${definition}`);
  return `group by (${m[2]}) (${m[1]})`;
}

/** Every PromQL expression of the generated dashboards and of the Grafana-managed alert rules. */
export function collectQueries(dashboards: DashboardJson[]): PromQuery[] {
  const out: PromQuery[] = [];
  for (const d of dashboards) {
    for (const v of d.templating?.list ?? []) {
      if (!v.definition) continue;
      const expr = variablePromql(v.definition);
      out.push({
        kind: 'variable',
        uid: d.uid,
        title: v.name,
        refId: v.name,
        expr,
        promql: resolveExpr(expr),
        instant: true,
        requires: requires(expr),
      });
    }
    for (const p of d.panels ?? []) {
      for (const t of p.targets ?? []) {
        if (!t.expr) continue;
        out.push({
          kind: 'panel',
          uid: d.uid,
          title: p.title ?? '',
          refId: t.refId ?? 'A',
          expr: t.expr,
          promql: resolveExpr(t.expr),
          instant: t.instant === true,
          requires: requires(t.expr),
        });
      }
    }
  }
  for (const a of ALERTS) {
    out.push({
      kind: 'alert',
      uid: ruleUid(a),
      title: a.name,
      refId: 'A',
      expr: a.value,
      promql: a.value,
      instant: true,
      requires: requires(a.value),
    });
  }
  return out;
}
