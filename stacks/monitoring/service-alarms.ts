import { Construct } from "constructs";
import type { MonitoringConfig } from "../config";
import { metricAlarm } from "./metric-alarm";

/** The documented defaults of `MonitoringConfig`. */
export const MONITORING_DEFAULTS = { api5xxPercent: 1, api4xxPercent: 25, apiLatencyP99Ms: 2000, functionDurationPercentOfTimeout: 80 } as const;

/** A 4XX rate counts only in minutes with at least this many requests: two refused calls of twenty is noise, not a surge. */
export const MIN_REQUESTS_FOR_4XX_RATE = 20;

export interface WatchedFunction {
  readonly functionName: string;
  readonly timeoutSeconds: number;
}

/** Errors, throttles and p99 duration against the timeout, per function. */
export class FunctionAlarms extends Construct {
  constructor(scope: Construct, id: string, props: { readonly functions: readonly WatchedFunction[]; readonly monitoring: MonitoringConfig; readonly topicArn: string }) {
    super(scope, id);
    const percent = props.monitoring.functionDurationPercentOfTimeout ?? MONITORING_DEFAULTS.functionDurationPercentOfTimeout;
    for (const fn of props.functions) {
      const lambda = (metricName: string, stat: string) => ({ namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: fn.functionName }, stat });
      const common = { period: 300, evaluationPeriods: 1, datapointsToAlarm: 1, alarmActions: [props.topicArn] };
      metricAlarm(this, `${fn.functionName}-errors`, {
        ...common,
        name: `${fn.functionName}-errors`,
        description: `${fn.functionName} failed at least once in 5 minutes: its log group has the error`,
        metrics: [lambda("Errors", "Sum")],
        threshold: 1,
      });
      metricAlarm(this, `${fn.functionName}-throttles`, {
        ...common,
        name: `${fn.functionName}-throttles`,
        description: `${fn.functionName} was throttled: the account's or the function's concurrency is exhausted`,
        metrics: [lambda("Throttles", "Sum")],
        threshold: 1,
      });
      metricAlarm(this, `${fn.functionName}-duration`, {
        ...common,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        name: `${fn.functionName}-duration-p99`,
        description: `${fn.functionName}'s p99 duration reached ${percent}% of its ${fn.timeoutSeconds} s timeout for 15 minutes`,
        metrics: [lambda("Duration", "p99")],
        threshold: Math.round(fn.timeoutSeconds * 1000 * (percent / 100)),
      });
    }
  }
}

/** Throttled requests and system errors of the table, summed over the operations the route table uses. */
export class TableAlarms extends Construct {
  constructor(scope: Construct, id: string, props: { readonly tableName: string; readonly operations: readonly string[]; readonly topicArn: string }) {
    super(scope, id);
    // ThrottledRequests and SystemErrors are reported per operation (DynamoDB metrics and dimensions).
    const perOperation = (metricName: string) => props.operations.map((operation) => ({ namespace: "AWS/DynamoDB", metricName, dimensions: { TableName: props.tableName, Operation: operation }, stat: "Sum" }));
    const sum = props.operations.map((_, index) => `FILL(m${index}, 0)`).join(" + ");
    for (const [metricName, what] of [
      ["ThrottledRequests", "requests DynamoDB throttled"],
      ["SystemErrors", "requests DynamoDB failed with a 500"],
    ] as const) {
      metricAlarm(this, `${props.tableName}-${metricName}`, {
        name: `${props.tableName}-${metricName === "ThrottledRequests" ? "throttled-requests" : "system-errors"}`,
        description: `${what} on ${props.tableName} (${props.operations.join(", ")})`,
        metrics: perOperation(metricName),
        expression: sum,
        threshold: 1,
        period: 300,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        alarmActions: [props.topicArn],
      });
    }
  }
}

/**
 * Where API Gateway reports an API's metrics: a REST API by its name (`5XXError`, `4XXError`), an
 * HTTP API by its id (`5xx`, `4xx`); both report `Count` and `Latency` (API Gateway developer guide,
 * "Amazon API Gateway dimensions and metrics" and "Monitor CloudWatch metrics for HTTP APIs").
 */
export type ApiMetricsSource = { readonly kind: "rest"; readonly apiName: string } | { readonly kind: "http"; readonly apiId: string };

export function apiMetricNames(source: ApiMetricsSource): { readonly errors5xx: string; readonly errors4xx: string } {
  return source.kind === "rest" ? { errors5xx: "5XXError", errors4xx: "4XXError" } : { errors5xx: "5xx", errors4xx: "4xx" };
}

/** The dimensions of a stage's metrics, optionally narrowed to one route (REST: method and resource; HTTP: the route key). */
export function apiDimensions(source: ApiMetricsSource, stageName: string, route?: { readonly method: string; readonly path: string }): Record<string, string> {
  if (source.kind === "rest") return { ApiName: source.apiName, ...(route ? { Method: route.method, Resource: route.path } : {}), Stage: stageName };
  return { ApiId: source.apiId, ...(route ? { Route: `${route.method} ${route.path}` } : {}), Stage: stageName };
}

/** The stage's 5XX rate, 4XX rate (authorizer denials among them) and p99 latency. */
export class ApiAlarms extends Construct {
  constructor(scope: Construct, id: string, props: { readonly apiName: string; readonly source: ApiMetricsSource; readonly stageName: string; readonly monitoring: MonitoringConfig; readonly topicArn: string }) {
    super(scope, id);
    const { monitoring } = props;
    const names = apiMetricNames(props.source);
    const api = (metricName: string, stat: string) => ({ namespace: "AWS/ApiGateway", metricName, dimensions: apiDimensions(props.source, props.stageName), stat });
    const common = { period: 60, evaluationPeriods: 5, datapointsToAlarm: 3, alarmActions: [props.topicArn] };
    const percent5xx = monitoring.api5xxPercent ?? MONITORING_DEFAULTS.api5xxPercent;
    metricAlarm(this, "5xx-rate", {
      ...common,
      name: `${props.apiName}-${props.stageName}-5xx-rate`,
      description: `${percent5xx}% or more of the requests failed with a 5XX in 3 of 5 minutes: a handler or an integration is failing`,
      metrics: [api(names.errors5xx, "Sum"), api("Count", "Sum")],
      expression: "IF(m1 > 0, 100 * m0 / m1, 0)",
      threshold: percent5xx,
    });
    const percent4xx = monitoring.api4xxPercent ?? MONITORING_DEFAULTS.api4xxPercent;
    metricAlarm(this, "4xx-rate", {
      ...common,
      name: `${props.apiName}-${props.stageName}-4xx-rate`,
      description: `${percent4xx}% or more of at least ${MIN_REQUESTS_FOR_4XX_RATE} requests a minute got a 4XX in 3 of 5 minutes: refused tokens (401/403), throttling (429) or a broken client`,
      metrics: [api(names.errors4xx, "Sum"), api("Count", "Sum")],
      expression: `IF(m1 >= ${MIN_REQUESTS_FOR_4XX_RATE}, 100 * m0 / m1, 0)`,
      threshold: percent4xx,
    });
    const latency = monitoring.apiLatencyP99Ms ?? MONITORING_DEFAULTS.apiLatencyP99Ms;
    metricAlarm(this, "latency-p99", {
      ...common,
      name: `${props.apiName}-${props.stageName}-latency-p99`,
      description: `p99 latency reached ${latency} ms in 3 of 5 minutes`,
      metrics: [api("Latency", "p99")],
      threshold: latency,
    });
  }
}
