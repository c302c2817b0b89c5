import type { PolicyRule } from "../rule";
import { OPS_ALARM_ACTIONS } from "./alarm-actions";
import { OPS_ALARMS } from "./alarms-present";
import { APIG3 } from "./api-stage-waf";
import { APIG1 } from "./apig1";
import { APIG4 } from "./apig4";
import { APIG6 } from "./apig6";
import { APIG_DEPLOY } from "./apig-deploy";
import { APIG_SCOPES } from "./apig-scopes";
import { APIG_THROTTLE } from "./apig-throttle";
import { COG1 } from "./cog1";
import { COG2 } from "./cog2";
import { COG_EMAIL } from "./cognito-email";
import { IAM4 } from "./iam4";
import { IAM5 } from "./iam5";
import { L1 } from "./l1";
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
