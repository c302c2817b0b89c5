import type { PlanJson } from "./offline-terraform";

/**
 * What an API Gateway deployment snapshots. When a plan deletes one of these, the new deployment
 * (created before the old one is destroyed) was taken while the deleted member still existed:
 * Terraform destroys it only after the deposed deployment, so the stage keeps serving a removed
 * route until the next deployment.
 */
const SNAPSHOT_MEMBERS = new Set([
  "aws_api_gateway_resource",
  "aws_api_gateway_method",
  "aws_api_gateway_integration",
  "aws_api_gateway_method_response",
  "aws_api_gateway_integration_response",
  "aws_api_gateway_gateway_response",
  "aws_api_gateway_authorizer",
]);

/**
 * The deployments to replace once more after `plan` is applied: every REST API deployment of
 * the stack, when the plan deletes a member of a snapshot (a removed route, preflight or gateway
 * response). Empty when nothing was deleted.
 */
export function deploymentsToRefresh(plan: PlanJson): string[] {
  const changes = plan.resource_changes ?? [];
  const deletesMember = changes.some((change) => change.mode === "managed" && SNAPSHOT_MEMBERS.has(change.type) && change.change.actions.includes("delete"));
  if (!deletesMember) return [];
  const removed = (actions: readonly string[]) => actions.length === 1 && actions[0] === "delete";
  return changes
    .filter((change) => change.mode === "managed" && change.type === "aws_api_gateway_deployment" && !removed(change.change.actions))
    .map((change) => change.address);
}

/** `terraform apply` arguments of the second step: a fresh snapshot of what now exists. */
export function refreshArguments(deployments: readonly string[]): string[] {
  return ["apply", "-input=false", "-auto-approve", ...deployments.map((address) => `-replace=${address}`)];
}
