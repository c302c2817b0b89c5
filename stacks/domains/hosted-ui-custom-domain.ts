import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import type { CognitoUserPoolDomain } from "@cdktf/provider-aws/lib/cognito-user-pool-domain";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { DnsValidatedCertificate } from "./dns-validated-certificate";

export interface HostedUiCustomDomainProps {
  /** For example `auth.notes.example.com`. */
  readonly domainName: string;
  readonly hostedZoneId: string;
  /** A provider of the stack in us-east-1: Cognito's custom domains are CloudFront distributions. */
  readonly usEast1: TerraformProvider;
  /** An existing certificate in us-east-1. @default - a DNS-validated certificate for the name */
  readonly certificateArn?: string;
}

/**
 * The hosted UI's own name: its certificate in us-east-1 (validated in Route 53), and once the
 * pool's domain exists, an alias record to the CloudFront distribution Cognito made for it. Cognito
 * accepts the domain only when its parent domain has an A record (Cognito developer guide, "Using
 * your own domain for managed login"), which no resource here can check.
 */
export class HostedUiCustomDomain extends Construct {
  /** The validated certificate's ARN, in us-east-1. */
  readonly certificateArn: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: HostedUiCustomDomainProps,
  ) {
    super(scope, id);
    this.certificateArn =
      props.certificateArn ?? new DnsValidatedCertificate(this, "certificate", { domainName: props.domainName, hostedZoneId: props.hostedZoneId, provider: props.usEast1 }).certificateArn;
  }

  /** Points the name at the distribution of the pool's domain. */
  aliasTo(domain: CognitoUserPoolDomain): Route53Record {
    return new Route53Record(this, "alias-a", {
      zoneId: this.props.hostedZoneId,
      name: this.props.domainName,
      type: "A",
      alias: { name: domain.cloudfrontDistribution, zoneId: domain.cloudfrontDistributionZoneId, evaluateTargetHealth: false },
    });
  }
}
