import { QueryBuilder, RuleBuilder, RuleGroupBuilder, type Rule } from '@grafana/grafana-foundation-sdk/alerting';
import { TypeThresholdBuilder } from '@grafana/grafana-foundation-sdk/expr';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PROMETHEUS_DS, PROMETHEUS_UID } from '../names.ts';
import { ALERT_GROUP_TITLES, ALERTS, runbookText, type AlertDefinition, type AlertGroupName } from './definitions.ts';

/** The folder (title and uid) that holds the dashboards and the alert rules in Grafana. */
export const GRAFANA_FOLDER = 'llmtel';
export const GRAFANA_FOLDER_UID = 'llmtel';
const EXPR_DS = { type: '__expr__', uid: '__expr__' };

/** Annotation templates for Grafana: `VALUE` becomes the value of query A. */
export function grafanaTemplate(text: string): string {
  return text.replace(/\bVALUE\b/g, '$values.A.Value');
}

/** Grafana rule uids are at most 40 characters and must not change between generations. */
export function ruleUid(a: AlertDefinition): string {
  const kebab = a.name.replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2').replace(/([a-z0-9])([A-Z])/g, '$1-$2');
  const uid = `llmtel-${kebab.toLowerCase()}`;
  if (uid.length > 40) throw new Error(`rule uid ${uid} is longer than 40 characters`);
  return uid;
}

function seconds(duration: string): number {
  const m = /^(\d+)([smh])$/.exec(duration);
  if (!m) throw new Error(`unsupported duration ${duration}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}

function buildRule(a: AlertDefinition): Rule {
  return (
    new RuleBuilder(a.name)
      .uid(ruleUid(a))
      .folderUID(GRAFANA_FOLDER_UID)
      .ruleGroup(ALERT_GROUP_TITLES[a.group])
      .orgID(1)
      .withQuery(
        new QueryBuilder('A')
          .datasourceUid(PROMETHEUS_UID)
          // The PromQL carries its own windows; 10 minutes only bounds what Grafana asks for.
          .relativeTimeRange({ from: 600, to: 0 })
          .model(new DataqueryBuilder().refId('A').datasource(PROMETHEUS_DS).expr(a.value).instant()),
      )
      .withQuery(
        new QueryBuilder('C')
          .datasourceUid(EXPR_DS.uid)
          .relativeTimeRange({ from: 0, to: 0 })
          .model(
            new TypeThresholdBuilder()
              .refId('C')
              .datasource(EXPR_DS)
              .expression('A')
              .conditions([{ evaluator: { type: a.op === '>' ? 'gt' : 'lt', params: [a.threshold] } }]),
          ),
      )
      .condition('C')
      .forDuration(a.for)
      // No series means nothing breaches: every value query returns one series per entity at fault or healthy.
      .noDataState('OK')
      .execErrState('Error')
      .isPaused(false)
      .labels({ severity: a.severity, llmtel_group: a.group })
      .annotations({
        summary: grafanaTemplate(a.summary),
        description: grafanaTemplate(a.description),
        runbook: runbookText(a),
      })
      .build()
  );
}

/** The rule groups as the SDK models them (the shape of Grafana's provisioning HTTP API). */
export function grafanaRuleGroups(): Array<{ title: string; interval: number; rules: Rule[] }> {
  const groups = Object.keys(ALERT_GROUP_TITLES) as AlertGroupName[];
  return groups.map((g) => {
    const built = new RuleGroupBuilder(ALERT_GROUP_TITLES[g])
      .folderUid(GRAFANA_FOLDER_UID)
      .interval(seconds('1m'))
      .rules(ALERTS.filter((a) => a.group === g).map((a) => ({ build: () => buildRule(a) })))
      .build();
    return { title: built.title ?? g, interval: built.interval ?? 60, rules: built.rules ?? [] };
  });
}

/**
 * Grafana's file provisioning format for alert rules
 * (https://grafana.com/docs/grafana/latest/alerting/set-up/provision-alerting-resources/file-provisioning/):
 * groups name a folder by title and carry the evaluation interval; rules keep the SDK's fields.
 */
export function grafanaAlertProvisioning(): Record<string, unknown> {
  return {
    apiVersion: 1,
    groups: grafanaRuleGroups().map((g) => ({
      orgId: 1,
      name: g.title,
      folder: GRAFANA_FOLDER,
      interval: `${g.interval}s`,
      rules: g.rules.map((r) => ({
        uid: r.uid,
        title: r.title,
        condition: r.condition,
        data: r.data,
        noDataState: r.noDataState,
        execErrState: r.execErrState,
        for: r.for,
        annotations: r.annotations,
        labels: r.labels,
        isPaused: r.isPaused,
      })),
    })),
  };
}
