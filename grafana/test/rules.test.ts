import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ALERTS } from '../src/rules/definitions.ts';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface AlertRuleTest {
  alertname: string;
  exp_alerts?: unknown[];
}

describe('alert definitions', () => {
  it('every alert has a summary, a description and a runbook section that exists', () => {
    const runbooks = read('docs/runbooks.md');
    const anchors = new Set([...runbooks.matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase()));
    for (const a of ALERTS) {
      assert.ok(a.summary.length > 10, `${a.name}: summary`);
      assert.ok(a.description.length > 20, `${a.name}: description`);
      assert.ok(anchors.has(a.runbook), `${a.name}: docs/runbooks.md has no section #${a.runbook}`);
      assert.equal(a.runbook, a.name.toLowerCase(), `${a.name}: the runbook anchor is the alert name`);
    }
  });

  it('every alert is unit-tested by promtool both firing and not firing', () => {
    const dir = join(root, 'prometheus', 'tests');
    const firing = new Set<string>();
    const quiet = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const doc = parse(readFileSync(join(dir, file), 'utf8')) as {
        tests: Array<{ alert_rule_test?: AlertRuleTest[] }>;
      };
      for (const t of doc.tests.flatMap((x) => x.alert_rule_test ?? [])) {
        if ((t.exp_alerts ?? []).length > 0) firing.add(t.alertname);
        else quiet.add(t.alertname);
      }
    }
    for (const a of ALERTS) {
      assert.ok(firing.has(a.name), `${a.name}: no promtool test expects it to fire`);
      assert.ok(quiet.has(a.name), `${a.name}: no promtool test expects it to stay quiet`);
    }
  });

  it('Prometheus and Grafana get the same alerts with the same expressions', () => {
    const prom = parse(read('prometheus/rules/llmtel-alerts.yml')) as {
      groups: Array<{ name: string; rules: Array<{ alert: string; expr: string; for: string }> }>;
    };
    const grafana = parse(read('grafana/provisioning/alerting/llmtel-rules.yaml')) as {
      groups: Array<{
        name: string;
        rules: Array<{ title: string; for: string; data: Array<{ refId: string; model: { expr?: string } }> }>;
      }>;
    };
    const promRules = prom.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, ...r })));
    const grafanaRules = grafana.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, ...r })));
    assert.deepEqual(promRules.map((r) => r.alert).sort(), ALERTS.map((a) => a.name).sort());
    assert.deepEqual(grafanaRules.map((r) => r.title).sort(), ALERTS.map((a) => a.name).sort());
    for (const a of ALERTS) {
      const p = promRules.find((r) => r.alert === a.name)!;
      const g = grafanaRules.find((r) => r.title === a.name)!;
      assert.equal(p.group, g.group, `${a.name}: group`);
      assert.equal(p.for, g.for, `${a.name}: for`);
      assert.equal(p.expr, `(${g.data.find((d) => d.refId === 'A')!.model.expr}) ${a.op} ${a.threshold}`);
    }
  });

  it('the fast end-to-end variant has the same expressions with for: 0s', () => {
    const normal = parse(read('prometheus/rules/llmtel-alerts.yml')) as {
      groups: Array<{ rules: Array<{ alert: string; expr: string; for: string }> }>;
    };
    const fast = parse(read('prometheus/e2e/llmtel-alerts-fast.yml')) as typeof normal;
    const rules = (f: typeof normal) => f.groups.flatMap((g) => g.rules);
    assert.deepEqual(
      rules(fast).map((r) => [r.alert, r.expr]),
      rules(normal).map((r) => [r.alert, r.expr]),
    );
    assert.ok(rules(fast).every((r) => r.for === '0s'));
  });

  it('generated files are current (npm run check:grafana)', () => {
    const out = execFileSync(process.execPath, [join(root, 'grafana', 'src', 'generate.ts'), '--check'], {
      encoding: 'utf8',
    });
    assert.match(out, /are current/);
  });
});
