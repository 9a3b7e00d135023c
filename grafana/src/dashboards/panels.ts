import { PanelBuilder as BarGaugeBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
import {
  BarGaugeDisplayMode,
  BigValueColorMode,
  BigValueGraphMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  StackingConfigBuilder,
  StackingMode,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizOrientation,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  QueryVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
  type Threshold,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS_DS } from '../names.ts';

export interface Query {
  expr: string;
  legend?: string;
  /** Instant query (one value per series at the end of the range), for stats, bar gauges and tables. */
  instant?: boolean;
}

const REF_IDS = 'ABCDEFGHIJ';

function targets(queries: Query[]): DataqueryBuilder[] {
  return queries.map((q, i) => {
    const b = new DataqueryBuilder()
      .refId(REF_IDS[i]!)
      .datasource(PROMETHEUS_DS)
      .expr(q.expr)
      .legendFormat(q.legend ?? '__auto');
    return q.instant ? b.instant() : b.range();
  });
}

function thresholds(steps: Threshold[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

/** Green below `warn`, orange from `warn`, red from `crit`. */
export function levels(warn: number, crit: number): Threshold[] {
  return [
    { value: null, color: 'green' },
    { value: warn, color: 'orange' },
    { value: crit, color: 'red' },
  ];
}

const GREEN: Threshold[] = [{ value: null, color: 'green' }];

export interface TimeseriesOptions {
  description?: string;
  unit?: string;
  stacked?: boolean;
  width?: number;
  height?: number;
  min?: number;
  max?: number;
}

export function timeseries(title: string, queries: Query[], o: TimeseriesOptions = {}): TimeseriesBuilder {
  const b = new TimeseriesBuilder()
    .title(title)
    .datasource(PROMETHEUS_DS)
    .targets(targets(queries))
    .unit(o.unit ?? 'short')
    .span(o.width ?? 12)
    .height(o.height ?? 8)
    .fillOpacity(o.stacked ? 30 : 10)
    .lineWidth(1)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .calcs(['mean', 'max', 'lastNotNull']),
    )
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending))
    .thresholds(thresholds(GREEN));
  if (o.description) b.description(o.description);
  if (o.stacked) b.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
  if (o.min !== undefined) b.min(o.min);
  if (o.max !== undefined) b.max(o.max);
  return b;
}

export interface StatOptions {
  description?: string;
  unit?: string;
  width?: number;
  height?: number;
  steps?: Threshold[];
  decimals?: number;
  /** The reducer applied to the series; `lastNotNull` unless said. */
  calc?: string;
}

export function stat(title: string, queries: Query[], o: StatOptions = {}): StatBuilder {
  const b = new StatBuilder()
    .title(title)
    .datasource(PROMETHEUS_DS)
    .targets(targets(queries))
    .unit(o.unit ?? 'short')
    .span(o.width ?? 4)
    .height(o.height ?? 4)
    .graphMode(BigValueGraphMode.Area)
    .colorMode(BigValueColorMode.Value)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs([o.calc ?? 'lastNotNull']).values(false))
    .thresholds(thresholds(o.steps ?? GREEN));
  if (o.description) b.description(o.description);
  if (o.decimals !== undefined) b.decimals(o.decimals);
  return b;
}

export interface BarGaugeOptions {
  description?: string;
  unit?: string;
  width?: number;
  height?: number;
  steps?: Threshold[];
  min?: number;
  max?: number;
}

export function barGauge(title: string, queries: Query[], o: BarGaugeOptions = {}): BarGaugeBuilder {
  const b = new BarGaugeBuilder()
    .title(title)
    .datasource(PROMETHEUS_DS)
    .targets(targets(queries))
    .unit(o.unit ?? 'short')
    .span(o.width ?? 12)
    .height(o.height ?? 8)
    .orientation(VizOrientation.Horizontal)
    .displayMode(BarGaugeDisplayMode.Gradient)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(thresholds(o.steps ?? GREEN));
  if (o.description) b.description(o.description);
  if (o.min !== undefined) b.min(o.min);
  if (o.max !== undefined) b.max(o.max);
  return b;
}

/**
 * A multi-value Prometheus label variable whose "All" matches every value, including series that lack the label
 * (allValue `.*`).
 */
export function labelVariable(name: string, label: string, metric: string, title: string): QueryVariableBuilder {
  const query = `label_values(${metric}, ${label})`;
  return new QueryVariableBuilder(name)
    .label(title)
    .datasource(PROMETHEUS_DS)
    .query({ qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: ['All'], value: ['$__all'] });
}
