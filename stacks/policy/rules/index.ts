import type { PolicyRule } from "../rule";
import { OPS_ALARM_ACTIONS } from "./alarm-actions";
import { OPS_ALARMS } from "./alarms-present";
import { APIG3 } from "./api-stage-waf";
import { APIG1 } from "./api-stage-access-logging";
import { APIG4 } from "./method-authorization";
import { APIG6 } from "./api-stage-execution-logging";
import { APIG_DEPLOY } from "./deployment-create-before-destroy";
import { APIG_SCOPES } from "./method-scopes";
import { APIG_THROTTLE } from "./api-stage-throttling";
import { COG1 } from "./user-pool-password-policy";
import { COG2 } from "./user-pool-mfa";
import { COG_EMAIL } from "./user-pool-email-sender";
import { IAM4 } from "./managed-policies";
import { IAM5 } from "./policy-wildcards";
import { L1 } from "./lambda-runtime";
import { LAMBDA_LIMITS } from "./lambda-limits";
import { LAMBDA_PERMISSION } from "./lambda-permission";
import { LAMBDA_TRACING } from "./lambda-tracing";
import { LOGS_RETENTION } from "./logs-retention";
import { COG_WAF } from "./user-pool-waf";

/** The rule pack, in the order the docs list it. */
export const policyRules: readonly PolicyRule[] = [
  APIG1,
  APIG3,
  APIG4,
  APIG6,
  APIG_DEPLOY,
  APIG_SCOPES,
  APIG_THROTTLE,
  COG1,
  COG2,
  COG_EMAIL,
  COG_WAF,
  L1,
  LAMBDA_TRACING,
  LAMBDA_LIMITS,
  LAMBDA_PERMISSION,
  LOGS_RETENTION,
  OPS_ALARMS,
  OPS_ALARM_ACTIONS,
  IAM4,
  IAM5,
];
