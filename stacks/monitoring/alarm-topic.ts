import { Construct } from "constructs";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { policyDocument } from "../iam/policy-document";

export interface AlarmTopicProps {
  /** For example `notes-prod-alarms`. */
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  /** Names of the alarms that may publish, as an ARN pattern's last part: `notes-prod-*`. */
  readonly alarmNamePattern: string;
  /** Addresses subscribed by email; each confirms once. @default - none */
  readonly emails?: readonly string[];
}

/**
 * Where every alarm of an environment goes: an SNS topic encrypted with its own KMS key (the AWS
 * managed `aws/sns` key's policy does not let CloudWatch use it), a topic policy that lets
 * CloudWatch alarms of this account publish, and the email subscriptions of the configuration.
 */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    // Only this account's alarms of the environment (SNS developer guide, "Enable compatibility between event sources from AWS services and encrypted topics"; no confused deputy).
    const fromThisAccount = {
      StringEquals: { "aws:SourceAccount": props.accountId },
      ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${props.region}:${props.accountId}:alarm:${props.alarmNamePattern}` },
    };
    const key = new KmsKey(this, "key", {
      description: `Encrypts the ${props.name} topic; CloudWatch alarms of ${props.accountId} may use it`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        { actions: ["kms:*"], resources: ["*"], principal: { AWS: `arn:aws:iam::${props.accountId}:root` } },
        { actions: ["kms:GenerateDataKey*", "kms:Decrypt"], resources: ["*"], principal: { Service: "cloudwatch.amazonaws.com" }, condition: fromThisAccount },
      ]),
    });
    this.topic = new SnsTopic(this, "topic", { name: props.name, kmsMasterKeyId: key.arn });
    new SnsTopicPolicy(this, "policy", {
      arn: this.topic.arn,
      policy: policyDocument([
        { actions: ["sns:Publish"], resources: [this.topic.arn], principal: { Service: "cloudwatch.amazonaws.com" }, condition: fromThisAccount },
        { effect: "Deny", actions: ["sns:Publish"], resources: [this.topic.arn], principal: "*", condition: { Bool: { "aws:SecureTransport": "false" } } },
      ]),
    });
    for (const [index, email] of (props.emails ?? []).entries()) {
      new SnsTopicSubscription(this, `email-${index}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email });
    }
  }
}
