import { Construct } from "constructs";
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { Apigatewayv2ApiMapping } from "@cdktf/provider-aws/lib/apigatewayv2-api-mapping";
import { Apigatewayv2DomainName } from "@cdktf/provider-aws/lib/apigatewayv2-domain-name";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { DnsValidatedCertificate } from "./dns-validated-certificate";

/** The API a custom domain serves, at the root of the name: a REST API's stage or an HTTP API's. */
export type MappedApi = { readonly kind: "rest"; readonly restApiId: string; readonly stageName: string } | { readonly kind: "http"; readonly apiId: string; readonly stageName: string };

export interface ApiCustomDomainProps {
  /** For example `api.notes.example.com`. */
  readonly domainName: string;
  readonly hostedZoneId: string;
  readonly api: MappedApi;
  /** An existing certificate in the stack's region. @default - a DNS-validated certificate for the name */
  readonly certificateArn?: string;
}

/**
 * The API at its own name: a regional certificate in the stack's region, a REGIONAL API Gateway
 * domain with TLS 1.2 at least, the stage mapped at its root, and A and AAAA alias records. A REST
 * API's stage is mapped by a base path mapping, an HTTP API's by an API mapping (apigatewayv2).
 */
export class ApiCustomDomain extends Construct {
  readonly domainName: string;

  constructor(scope: Construct, id: string, props: ApiCustomDomainProps) {
    super(scope, id);
    const certificateArn = props.certificateArn ?? new DnsValidatedCertificate(this, "certificate", { domainName: props.domainName, hostedZoneId: props.hostedZoneId }).certificateArn;
    let alias: { name: string; zoneId: string };
    if (props.api.kind === "rest") {
      const domain = new ApiGatewayDomainName(this, "domain", {
        domainName: props.domainName,
        regionalCertificateArn: certificateArn,
        endpointConfiguration: { types: ["REGIONAL"] },
        securityPolicy: "TLS_1_2",
      });
      new ApiGatewayBasePathMapping(this, "mapping", { apiId: props.api.restApiId, stageName: props.api.stageName, domainName: domain.domainName });
      this.domainName = domain.domainName;
      alias = { name: domain.regionalDomainName, zoneId: domain.regionalZoneId };
    } else {
      const domain = new Apigatewayv2DomainName(this, "domain", {
        domainName: props.domainName,
        domainNameConfiguration: { certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
      });
      new Apigatewayv2ApiMapping(this, "mapping", { apiId: props.api.apiId, stage: props.api.stageName, domainName: domain.domainName });
      this.domainName = domain.domainName;
      alias = { name: domain.domainNameConfiguration.targetDomainName, zoneId: domain.domainNameConfiguration.hostedZoneId };
    }
    for (const type of ["A", "AAAA"]) {
      new Route53Record(this, `alias-${type.toLowerCase()}`, {
        zoneId: props.hostedZoneId,
        name: props.domainName,
        type,
        alias: { ...alias, evaluateTargetHealth: false },
      });
    }
  }

  get url(): string {
    return `https://${this.domainName}`;
  }
}
