import { Construct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import type { Route } from "../api/routes";
import { apiDimensions, apiMetricNames, type ApiMetricsSource, type WatchedFunction } from "./service-alarms";

export interface DashboardInput {
  readonly title: string;
  readonly region: string;
  /** Where the API's metrics are: by name (REST) or id (HTTP). */
  readonly source: ApiMetricsSource;
  readonly stageName: string;
  readonly routes: readonly Route[];
  readonly functions: readonly WatchedFunction[];
  readonly tableName: string;
  readonly tableOperations: readonly string[];
}

const WIDTH = 12;
const HEIGHT = 6;

/**
 * The environment's dashboard, from the route table: per route its requests, 4XX, 5XX and p99
 * latency (the stage's per-method or per-route metrics), per function its errors and p99 duration, the table's
 * throttled requests. The same body on every synth: a REST API is named, an HTTP API referenced by its
 * id (`${aws_apigatewayv2_api....id}`, which Terraform fills in), never a value only one machine knows.
 */
export function dashboardBody(input: DashboardInput): string {
  const metricWidget = (title: string, metrics: unknown[][]) => ({ type: "metric", properties: { title, region: input.region, view: "timeSeries", stacked: false, period: 60, metrics } });
  const names = apiMetricNames(input.source);
  const routeWidgets = input.routes.map((route) => {
    const dimensions = Object.entries(apiDimensions(input.source, input.stageName, route)).flat();
    return metricWidget(`${route.method} ${route.path}`, [
      ["AWS/ApiGateway", "Count", ...dimensions, { stat: "Sum", label: "requests" }],
      ["AWS/ApiGateway", names.errors4xx, ...dimensions, { stat: "Sum", label: "4XX" }],
      ["AWS/ApiGateway", names.errors5xx, ...dimensions, { stat: "Sum", label: "5XX" }],
      ["AWS/ApiGateway", "Latency", ...dimensions, { stat: "p99", label: "latency p99 (ms)", yAxis: "right" }],
    ]);
  });
  const functionWidgets = input.functions.map((fn) =>
    metricWidget(fn.functionName, [
      ["AWS/Lambda", "Errors", "FunctionName", fn.functionName, { stat: "Sum", label: "errors" }],
      ["AWS/Lambda", "Duration", "FunctionName", fn.functionName, { stat: "p99", label: `duration p99 (ms; timeout ${fn.timeoutSeconds * 1000})`, yAxis: "right" }],
    ]),
  );
  const tableWidget = metricWidget(
    `${input.tableName} throttled requests`,
    input.tableOperations.map((operation) => ["AWS/DynamoDB", "ThrottledRequests", "TableName", input.tableName, "Operation", operation, { stat: "Sum", label: operation }]),
  );
  const widgets = [...routeWidgets, ...functionWidgets, tableWidget].map((widget, index) => ({ ...widget, x: (index % 2) * WIDTH, y: 1 + Math.floor(index / 2) * HEIGHT, width: WIDTH, height: HEIGHT }));
  return JSON.stringify({ widgets: [{ type: "text", x: 0, y: 0, width: 2 * WIDTH, height: 1, properties: { markdown: `# ${input.title}` } }, ...widgets] });
}

export class Dashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: DashboardInput & { readonly name: string }) {
    super(scope, id);
    this.dashboard = new CloudwatchDashboard(this, "dashboard", { dashboardName: props.name, dashboardBody: dashboardBody(props) });
  }
}
