import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { C, JAEGER_UID, L, M, P, PROMETHEUS_UID, R, U } from '../src/names.ts';
import { DASHBOARDS } from '../src/outputs.ts';
import { collectQueries, resolveExpr, type PromQuery } from '../src/queries.ts';
import { RECORDING_GROUPS } from '../src/rules/definitions.ts';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: Array<{ refId?: string; expr?: string; datasource?: { uid?: string } }>;
}

const dashboards = Object.values(DASHBOARDS).map((make) => make().build() as { uid: string; panels: Panel[] });
const queries: PromQuery[] = JSON.parse(read('grafana/queries.json'));

/** Every name in an expression that looks like one of ours: metric, recording rule or label. */
function namesIn(expr: string): string[] {
  return [...expr.matchAll(/\b(?:gen_ai_|llmtel_|otelcol_|provider[a-z_]*:)[a-z0-9_:]*/g)].map((m) => m[0]);
}

describe('dashboards', () => {
  it('are the four the issue asks for, with stable uids', () => {
    assert.deepEqual(dashboards.map((d) => d.uid).sort(), [
      'llmtel-availability',
      'llmtel-cost-usage',
      'llmtel-llm-overview',
      'llmtel-pipeline-health',
    ]);
  });

  it('query the provisioned Prometheus by its fixed uid', () => {
    const provisioning = read('grafana/provisioning/datasources/datasources.yaml');
    assert.match(provisioning, new RegExp(`uid: ${PROMETHEUS_UID}\\b`));
    assert.match(provisioning, new RegExp(`uid: ${JAEGER_UID}\\b`));
    for (const d of dashboards) {
      for (const p of d.panels.filter((x) => x.type !== 'row')) {
        assert.equal(p.datasource?.uid, PROMETHEUS_UID, `${d.uid} / ${p.title}`);
        assert.ok((p.targets ?? []).length > 0, `${d.uid} / ${p.title} has no query`);
        for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, PROMETHEUS_UID, `${d.uid} / ${p.title}`);
      }
    }
  });

  it('key GenAI panels on gen_ai_provider_name, never on an SDK name', () => {
    const overview = dashboards.find((d) => d.uid === 'llmtel-llm-overview')!;
    for (const p of overview.panels.filter((x) => x.type !== 'row')) {
      for (const t of p.targets ?? []) {
        assert.match(t.expr!, /gen_ai_provider_name=~"\$provider"/, p.title);
        assert.doesNotMatch(t.expr!, /otel_scope_name|gen_ai_system/, p.title);
      }
    }
  });

  it('use only metric, label and recording rule names that exist', () => {
    const recorded = new Set(RECORDING_GROUPS.flatMap((g) => g.rules.map((r) => r.record)));
    const known = new Set<string>([
      ...Object.values(M),
      ...Object.values(L),
      ...Object.values(U),
      ...Object.values(P),
      ...Object.values(C),
      ...recorded,
    ]);
    for (const q of queries) {
      for (const name of namesIn(q.expr)) assert.ok(known.has(name), `${q.uid} / ${q.title}: unknown name ${name}`);
    }
    for (const name of Object.values(R)) assert.ok(recorded.has(name), `recording rule ${name} is not defined`);
  });

  it('use the metric names the usage exporter and the prober actually expose', () => {
    const exporter = read('packages/usage-exporter/src/metrics.ts');
    for (const name of Object.values(U)) {
      const family = name.replace(/_bucket$/, '');
      assert.ok(exporter.includes(`'${family}'`), `usage exporter does not define ${family}`);
    }
    const prober = read('packages/prober/src/semconv.ts');
    for (const name of [P.status, P.up, P.durationBucket, P.provider, P.service]) {
      assert.ok(prober.includes(name), `prober semconv does not mention ${name}`);
    }
  });

  it('queries.json lists every panel query and every variable, runnable without Grafana', () => {
    const fromPanels = dashboards.flatMap((d) =>
      d.panels.flatMap((p) => (p.targets ?? []).map((t) => `${d.uid}|${p.title}|${t.refId}`)),
    );
    const listed = queries.filter((q) => q.kind === 'panel').map((q) => `${q.uid}|${q.title}|${q.refId}`);
    assert.deepEqual(listed.sort(), fromPanels.sort());
    assert.ok(queries.some((q) => q.kind === 'variable'));
    assert.ok(queries.some((q) => q.kind === 'alert'));
    for (const q of queries) assert.doesNotMatch(q.promql, /\$/, `${q.uid} / ${q.title} still has a variable`);
    assert.deepEqual(collectQueries(dashboards as never), queries);
  });

  it('resolve Grafana variables the way a dashboard with "All" selected runs them', () => {
    assert.equal(
      resolveExpr('sum(rate(x{a=~"$provider", b=~"$model"}[$__rate_interval])) / increase(y[$__range])'),
      'sum(rate(x{a=~".*", b=~".*"}[1m])) / increase(y[1h])',
    );
  });
});
