import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { environments } from "../../environments";
import { notesRoutes } from "../../stacks/api/routes";
import { functionNameFor } from "../../stacks/api/route-paths";
import { isOptOut, type MonitoringConfig } from "../../stacks/config";
import { MONITORING_DEFAULTS } from "../../stacks/monitoring/service-alarms";
import { configsOf, synthNotesStack } from "../helpers/stacks";

type Json = Record<string, any>;
const prod = synthNotesStack({}, "prod");
const alarms = (json: Json) => configsOf(json, "aws_cloudwatch_metric_alarm");
const alarm = (json: Json, name: string) => {
  const found = alarms(json).find((candidate) => candidate.alarm_name === name);
  if (!found) throw new Error(`no alarm ${name}`);
  return found;
};
const metrics = (config: Json) => (config.metric_query as Json[]).filter((query) => query.metric).map((query) => ({ id: query.id, ...query.metric }));
const topicArn = (json: Json) => alarms(json)[0]!.alarm_actions[0] as string;
const monitoring = environments.prod.monitoring as MonitoringConfig;

describe("the alarm topic", () => {
  const fromProdAlarms = {
    StringEquals: { "aws:SourceAccount": environments.prod.accountId },
    ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:eu-west-1:${environments.prod.accountId}:alarm:notes-prod-*` },
  };
  test("is encrypted with its own key, which CloudWatch of this account may use, and only CloudWatch of this account may publish", () => {
    const [key] = configsOf(prod.data.json, "aws_kms_key");
    expect(key).toMatchObject({ enable_key_rotation: true });
    const keyPolicy = JSON.parse(key!.policy).Statement;
    expect(keyPolicy).toContainEqual(
      expect.objectContaining({ Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Condition: fromProdAlarms }),
    );
    const [topic] = configsOf(prod.data.json, "aws_sns_topic");
    expect(topic).toMatchObject({ name: "notes-prod-alarms", kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..*\.arn\}$/) });
    const policy = JSON.parse(configsOf(prod.data.json, "aws_sns_topic_policy")[0]!.policy).Statement;
    expect(policy[0]).toMatchObject({ Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["sns:Publish"], Condition: fromProdAlarms });
    expect(policy[1]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  test("pages the configured addresses by email", () => {
    for (const email of monitoring.emails!) expect(prod.data.synthesized).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: "email", endpoint: email });
  });

  test("every alarm of both stacks notifies the topic on ALARM and on OK, and counts missing data as healthy", () => {
    const all = [...alarms(prod.json), ...alarms(prod.data.json)];
    expect(all.length).toBeGreaterThan(0);
    for (const config of all) {
      expect(config.alarm_actions).toHaveLength(1);
      expect(config.ok_actions).toEqual(config.alarm_actions);
      expect(config.treat_missing_data).toBe("notBreaching");
      // the topic and its key accept alarms named notes-prod-* only
      expect(config.alarm_name).toMatch(/^notes-prod-/);
    }
    // The API stack reaches the data stack's topic through remote state
    expect(topicArn(prod.json)).toMatch(/^\$\{data\.terraform_remote_state\..*aws_sns_topicalarm-topic.*arn\}$/);
    expect(topicArn(prod.data.json)).toMatch(/^\$\{aws_sns_topic\..*\.arn\}$/);
  });
});

describe("the API's alarms", () => {
  const dimensions = { ApiName: "notes-prod-api", Stage: "prod" };

  test("5XX rate: metric math over 5XXError and Count of the stage", () => {
    const config = alarm(prod.json, "notes-prod-api-prod-5xx-rate");
    expect(metrics(config)).toEqual([
      expect.objectContaining({ id: "m0", namespace: "AWS/ApiGateway", metric_name: "5XXError", dimensions, stat: "Sum", period: 60 }),
      expect.objectContaining({ id: "m1", namespace: "AWS/ApiGateway", metric_name: "Count", dimensions, stat: "Sum", period: 60 }),
    ]);
    expect(config.metric_query).toContainEqual(expect.objectContaining({ id: "e0", expression: "IF(m1 > 0, 100 * m0 / m1, 0)", return_data: true }));
    expect(config).toMatchObject({ threshold: MONITORING_DEFAULTS.api5xxPercent, comparison_operator: "GreaterThanOrEqualToThreshold", evaluation_periods: 5, datapoints_to_alarm: 3 });
  });

  test("4XX surge: refused tokens show as 4XX; a rate over a minimum of requests", () => {
    const config = alarm(prod.json, "notes-prod-api-prod-4xx-rate");
    expect(metrics(config).map((metric) => metric.metric_name)).toEqual(["4XXError", "Count"]);
    expect(config.metric_query).toContainEqual(expect.objectContaining({ expression: "IF(m1 >= 20, 100 * m0 / m1, 0)" }));
    expect(config.threshold).toBe(MONITORING_DEFAULTS.api4xxPercent);
  });

  test("p99 latency", () => {
    expect(metrics(alarm(prod.json, "notes-prod-api-prod-latency-p99"))).toEqual([expect.objectContaining({ metric_name: "Latency", dimensions, stat: "p99" })]);
  });
});

describe("each function's alarms, from the route table", () => {
  test.each(notesRoutes.map((route) => functionNameFor(environments.prod, route.handler)))("%s: errors, throttles and p99 duration against its timeout", (functionName) => {
    for (const [suffix, metricName, stat] of [["errors", "Errors", "Sum"], ["throttles", "Throttles", "Sum"], ["duration-p99", "Duration", "p99"]] as const) {
      expect(metrics(alarm(prod.json, `${functionName}-${suffix}`))).toEqual([expect.objectContaining({ namespace: "AWS/Lambda", metric_name: metricName, dimensions: { FunctionName: functionName }, stat })]);
    }
    expect(alarm(prod.json, `${functionName}-duration-p99`).threshold).toBe(environments.prod.functions.timeoutSeconds * 1000 * (MONITORING_DEFAULTS.functionDurationPercentOfTimeout / 100));
  });

  test("the pre-token trigger's too, in the data stack, against Cognito's 5 s", () => {
    expect(alarm(prod.data.json, "notes-prod-triggers-pre-token-generation-duration-p99").threshold).toBe(4000);
    expect(alarm(prod.data.json, "notes-prod-triggers-pre-token-generation-errors")).toBeDefined();
  });
});

describe("the table's alarms", () => {
  test.each(["throttled-requests", "system-errors"])("%s: summed over every operation the route table uses", (suffix) => {
    const operations = [...new Set(notesRoutes.flatMap((route) => route.tableActions ?? []).map((action) => action.split(":")[1]!))].sort();
    const config = alarm(prod.data.json, `notes-prod-notes-${suffix}`);
    expect(metrics(config).map((metric) => metric.dimensions)).toEqual(operations.map((operation) => ({ TableName: "notes-prod-notes", Operation: operation })));
    expect(config.metric_query).toContainEqual(expect.objectContaining({ expression: operations.map((_, index) => `FILL(m${index}, 0)`).join(" + ") }));
  });
});

describe("the dashboard", () => {
  const body = () => JSON.parse(configsOf(prod.json, "aws_cloudwatch_dashboard")[0]!.dashboard_body) as { widgets: Array<{ type: string; properties: Json }> };

  test("one widget per route with its requests, 4XX, 5XX and p99 latency, one per function, one for the table", () => {
    expect(prod.synthesized).toHaveResourceWithProperties(CloudwatchDashboard, { dashboard_name: "notes-prod" });
    const titles = body().widgets.filter((widget) => widget.type === "metric").map((widget) => widget.properties.title);
    expect(titles).toEqual([
      ...notesRoutes.map((route) => `${route.method} ${route.path}`),
      ...notesRoutes.map((route) => functionNameFor(environments.prod, route.handler)),
      "notes-prod-notes throttled requests",
    ]);
    const route = body().widgets.find((widget) => widget.properties.title === "POST /notes")!;
    expect(route.properties.metrics.map((metric: unknown[]) => metric.slice(0, 10))).toEqual(
      ["Count", "4XXError", "5XXError", "Latency"].map((name) => ["AWS/ApiGateway", name, "ApiName", "notes-prod-api", "Method", "POST", "Resource", "/notes", "Stage", "prod"]),
    );
  });

  test("widgets do not overlap", () => {
    const cells = body().widgets.map((widget) => `${(widget as Json).x},${(widget as Json).y}`);
    expect(new Set(cells).size).toBe(cells.length);
  });
});

describe("dev opts out, with its reasons shown", () => {
  const dev = synthNotesStack();

  test("no alarm, no topic, no dashboard", () => {
    expect(alarms(dev.json)).toEqual([]);
    expect(alarms(dev.data.json)).toEqual([]);
    expect(configsOf(dev.data.json, "aws_sns_topic")).toEqual([]);
    expect(configsOf(dev.json, "aws_cloudwatch_dashboard")).toEqual([]);
  });

  test("the policy pack lists the opt-out as a suppression of OPS-ALARMS with the configured reason", () => {
    const reason = isOptOut(environments.dev.monitoring) ? environments.dev.monitoring.optOut : "";
    const suppressed = [...dev.stack.policy.evaluate(dev.stack), ...dev.stack.data.policy.evaluate(dev.stack.data)].filter((finding) => finding.ruleId === "OPS-ALARMS");
    expect(suppressed.map((finding) => [finding.resource.split(".")[0], finding.suppressedBecause])).toEqual([
      ["aws_api_gateway_stage", reason],
      ["aws_dynamodb_table", reason],
    ]);
  });
});
