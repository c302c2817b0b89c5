import type { EnvironmentConfig } from "../config";
import { DEPLOY_ENVIRONMENT_TAG, environmentSlug, environmentTags } from "./deploy-environment";
import type { PolicyStatement } from "./policy-document";

/**
 * Tag changes checked on both sides: a tag request may carry only the environment's tag keys and,
 * if it sets the environment tag, its own value; the resource, if it is tagged already, must be the
 * environment's. A resource being created has no tags yet: its create call carries the request's.
 * Untagging never removes the environment tag.
 */
export function taggingStatements(environment: EnvironmentConfig, resources: readonly string[], verbs: { readonly tag: readonly string[]; readonly untag: readonly string[] }): PolicyStatement[] {
  const slug = environmentSlug(environment);
  const keys = Object.keys(environmentTags(environment));
  const resourceTag = `aws:ResourceTag/${DEPLOY_ENVIRONMENT_TAG}`;
  return [
    {
      actions: verbs.tag,
      resources,
      condition: {
        StringEqualsIfExists: { [resourceTag]: slug, [`aws:RequestTag/${DEPLOY_ENVIRONMENT_TAG}`]: slug },
        "ForAllValues:StringEquals": { "aws:TagKeys": keys },
      },
    },
    {
      actions: verbs.untag,
      resources,
      condition: { StringEquals: { [resourceTag]: slug }, "ForAllValues:StringEquals": { "aws:TagKeys": keys.filter((key) => key !== DEPLOY_ENVIRONMENT_TAG) } },
    },
  ];
}
