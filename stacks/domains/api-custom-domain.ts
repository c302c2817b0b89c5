import { Construct } from "constructs";
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { DnsValidatedCertificate } from "./dns-validated-certificate";

export interface ApiCustomDomainProps {
  /** For example `api.notes.example.com`. */
  readonly domainName: string;
  readonly hostedZoneId: string;
  readonly restApiId: string;
  readonly stageName: string;
  /** An existing certificate in the stack's region. @default - a DNS-validated certificate for the name */
  readonly certificateArn?: string;
}

/**
 * The API at its own name: a regional certificate in the stack's region, a REGIONAL API Gateway
 * domain with TLS 1.2 at least, the stage mapped at its root, and A and AAAA alias records.
 */
export class ApiCustomDomain extends Construct {
  readonly domain: ApiGatewayDomainName;

  constructor(scope: Construct, id: string, props: ApiCustomDomainProps) {
    super(scope, id);
    const certificateArn = props.certificateArn ?? new DnsValidatedCertificate(this, "certificate", { domainName: props.domainName, hostedZoneId: props.hostedZoneId }).certificateArn;
    this.domain = new ApiGatewayDomainName(this, "domain", {
      domainName: props.domainName,
      regionalCertificateArn: certificateArn,
      endpointConfiguration: { types: ["REGIONAL"] },
      securityPolicy: "TLS_1_2",
    });
    new ApiGatewayBasePathMapping(this, "mapping", { apiId: props.restApiId, stageName: props.stageName, domainName: this.domain.domainName });
    for (const type of ["A", "AAAA"]) {
      new Route53Record(this, `alias-${type.toLowerCase()}`, {
        zoneId: props.hostedZoneId,
        name: props.domainName,
        type,
        alias: { name: this.domain.regionalDomainName, zoneId: this.domain.regionalZoneId, evaluateTargetHealth: false },
      });
    }
  }

  get url(): string {
    return `https://${this.domain.domainName}`;
  }
}
