import type { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";

export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** `Sum`, `Average` ... or a percentile such as `p99`. */
  readonly stat: string;
}

export interface AlarmSpec {
  readonly name: string;
  readonly description: string;
  /** One metric, or metric math: `expression` over the metrics named m0, m1, ... */
  readonly metrics: readonly MetricRef[];
  readonly expression?: string;
  readonly threshold: number;
  /** Seconds of each datapoint. */
  readonly period: number;
  /** Datapoints looked at, and how many of them must breach. */
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly alarmActions: readonly string[];
}

/**
 * A CloudWatch alarm that notifies on ALARM and on OK. Missing data counts as not breaching: a
 * quiet API or an idle function is healthy, and an alarm that fires on silence pages nobody usefully.
 */
export function metricAlarm(scope: Construct, id: string, spec: AlarmSpec): CloudwatchMetricAlarm {
  const query = (metric: MetricRef, index: number) => ({
    id: `m${index}`,
    returnData: spec.expression === undefined,
    metric: { namespace: metric.namespace, metricName: metric.metricName, dimensions: { ...metric.dimensions }, period: spec.period, stat: metric.stat },
  });
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: spec.name,
    alarmDescription: spec.description,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    threshold: spec.threshold,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    treatMissingData: "notBreaching",
    alarmActions: [...spec.alarmActions],
    okActions: [...spec.alarmActions],
    metricQuery: [...spec.metrics.map(query), ...(spec.expression === undefined ? [] : [{ id: "e0", expression: spec.expression, label: spec.name, returnData: true }])],
  });
}
