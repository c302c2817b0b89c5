import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { environments } from "../../environments";
import type { EnvironmentConfig } from "../../stacks/config";
import { configsOf, referenceTo, synthNotesStack } from "../helpers/stacks";

const prod = synthNotesStack({}, "prod");
const domains = environments.prod.domains!;
const withDomains = (change: Partial<NonNullable<EnvironmentConfig["domains"]>>): EnvironmentConfig => ({ ...environments.prod, domains: { ...domains, ...change } });
type Json = Record<string, any>;
const only = (json: Json, type: string, predicate: (config: Json) => boolean = () => true) => {
  const found = configsOf(json, type).filter(predicate);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const nameOf = (json: Json, type: string, predicate: (config: Json) => boolean) => Object.entries<Json>(json.resource[type]).find(([, config]) => predicate(config))![0];

describe("custom domains: the API", () => {
  test("a certificate for the API's name in the stack's region, validated by a Route 53 record of its own", () => {
    const certificate = only(prod.json, "aws_acm_certificate");
    expect(certificate).toMatchObject({ domain_name: domains.api, validation_method: "DNS", lifecycle: { create_before_destroy: true } });
    expect(certificate.provider).toBeUndefined();
    const certificateName = nameOf(prod.json, "aws_acm_certificate", () => true);
    const record = only(prod.json, "aws_route53_record", (config) => String(config.name).includes("domain_validation_options"));
    expect(record).toMatchObject({
      zone_id: domains.hostedZoneId,
      name: `\${tolist(aws_acm_certificate.${certificateName}.domain_validation_options).0.resource_record_name}`,
      records: [`\${tolist(aws_acm_certificate.${certificateName}.domain_validation_options).0.resource_record_value}`],
    });
    expect(only(prod.json, "aws_acm_certificate_validation")).toMatchObject({
      certificate_arn: `\${aws_acm_certificate.${certificateName}.arn}`,
      validation_record_fqdns: [`\${aws_route53_record.${nameOf(prod.json, "aws_route53_record", (config) => String(config.name).includes("domain_validation_options"))}.fqdn}`],
    });
  });

  test("a REGIONAL API Gateway domain with TLS 1.2, the validated certificate, the stage mapped at its root", () => {
    const validation = nameOf(prod.json, "aws_acm_certificate_validation", () => true);
    expect(prod.synthesized).toHaveResourceWithProperties(ApiGatewayDomainName, {
      domain_name: domains.api,
      regional_certificate_arn: `\${aws_acm_certificate_validation.${validation}.certificate_arn}`,
      endpoint_configuration: { types: ["REGIONAL"] },
      security_policy: "TLS_1_2",
    });
    const domain = nameOf(prod.json, "aws_api_gateway_domain_name", () => true);
    expect(prod.synthesized).toHaveResourceWithProperties(ApiGatewayBasePathMapping, {
      api_id: referenceTo(prod.json, "aws_api_gateway_rest_api", "name", "notes-prod-api", "id"),
      stage_name: `\${aws_api_gateway_stage.${nameOf(prod.json, "aws_api_gateway_stage", () => true)}.stage_name}`,
      domain_name: `\${aws_api_gateway_domain_name.${domain}.domain_name}`,
    });
    expect(only(prod.json, "aws_api_gateway_base_path_mapping").base_path).toBeUndefined();
  });

  test("A and AAAA alias records point the name at the regional domain", () => {
    const domain = nameOf(prod.json, "aws_api_gateway_domain_name", () => true);
    for (const type of ["A", "AAAA"]) {
      expect(only(prod.json, "aws_route53_record", (config) => config.type === type)).toEqual(
        expect.objectContaining({
          zone_id: domains.hostedZoneId,
          name: domains.api,
          alias: { name: `\${aws_api_gateway_domain_name.${domain}.regional_domain_name}`, zone_id: `\${aws_api_gateway_domain_name.${domain}.regional_zone_id}`, evaluate_target_health: false },
        }),
      );
    }
  });

  test("api_url is the custom domain; the execute-api URL stays unless it is turned off", () => {
    expect((prod.json as Json).output.api_url.value).toBe(`https://\${aws_api_gateway_domain_name.${nameOf(prod.json, "aws_api_gateway_domain_name", () => true)}.domain_name}`);
    expect(prod.synthesized).toHaveResourceWithProperties(ApiGatewayRestApi, { disable_execute_api_endpoint: false });
    const closed = synthNotesStack({ config: withDomains({ disableExecuteApiEndpoint: true }) }, "prod");
    expect(closed.synthesized).toHaveResourceWithProperties(ApiGatewayRestApi, { disable_execute_api_endpoint: true });
  });

  test("the authorizer still names the pool: a custom domain does not change the token issuer", () => {
    const authorizer = only(prod.json, "aws_api_gateway_authorizer");
    expect(authorizer.provider_arns).toEqual([expect.stringMatching(/cross-stack-output-aws_cognito_user_poolauth_user-pool.*arn/)]);
    expect((prod.data.json as Json).output.issuer.value).toBe(`https://cognito-idp.eu-west-1.amazonaws.com/${referenceTo(prod.data.json, "aws_cognito_user_pool", "name", "notes-prod-users", "id")}`);
  });

  test("an existing certificate is used as it is: no certificate is requested", () => {
    const arn = "arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-0000-1111-2222-333344445555";
    const existing = synthNotesStack({ config: withDomains({ certificateArns: { api: arn } }) }, "prod");
    expect(configsOf(existing.json, "aws_acm_certificate")).toEqual([]);
    expect(existing.synthesized).toHaveResourceWithProperties(ApiGatewayDomainName, { regional_certificate_arn: arn });
  });
});

describe("custom domains: the hosted UI", () => {
  const data = prod.data;

  test("its certificate comes from us-east-1, through an aliased provider of the data stack", () => {
    expect(data.synthesized).toHaveProviderWithProperties(AwsProvider, { alias: "us-east-1", region: "us-east-1", allowed_account_ids: [environments.prod.accountId] });
    expect(data.synthesized).toHaveResourceWithProperties(AcmCertificate, { domain_name: domains.auth, validation_method: "DNS", provider: "aws.us-east-1" });
    expect(only(data.json, "aws_acm_certificate_validation")).toMatchObject({ provider: "aws.us-east-1" });
  });

  test("the pool's domain is the custom name with the validated certificate, and an A record aliases it to Cognito's CloudFront distribution", () => {
    const validation = nameOf(data.json, "aws_acm_certificate_validation", () => true);
    const domain = only(data.json, "aws_cognito_user_pool_domain");
    expect(domain).toMatchObject({ domain: domains.auth, certificate_arn: `\${aws_acm_certificate_validation.${validation}.certificate_arn}` });
    const name = nameOf(data.json, "aws_cognito_user_pool_domain", () => true);
    expect(only(data.json, "aws_route53_record", (config) => config.type === "A")).toMatchObject({
      name: domains.auth,
      zone_id: domains.hostedZoneId,
      alias: { name: `\${aws_cognito_user_pool_domain.${name}.cloudfront_distribution}`, zone_id: `\${aws_cognito_user_pool_domain.${name}.cloudfront_distribution_zone_id}`, evaluate_target_health: false },
    });
  });

  test("every output that names the hosted UI follows it; the issuer does not", () => {
    const outputs = data.json.output as Json;
    expect(outputs.hosted_ui_domain.value).toContain("aws_cognito_user_pool_domain.");
    expect(outputs.hosted_ui_domain.value).not.toContain("amazoncognito.com");
    expect(outputs.authorize_endpoint.value).toMatch(/^https:\/\/\$\{aws_cognito_user_pool_domain\.[^}]+\.domain\}\/oauth2\/authorize$/);
    expect(outputs.token_endpoint.value).toMatch(/^https:\/\/\$\{aws_cognito_user_pool_domain\.[^}]+\.domain\}\/oauth2\/token$/);
    expect(outputs.issuer.value).toMatch(/^https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\//);
  });

  test("dev keeps its prefix domain and no certificate", () => {
    const dev = synthNotesStack();
    expect(only(dev.data.json, "aws_cognito_user_pool_domain")).toMatchObject({ domain: environments.dev.auth.domainPrefix });
    expect(only(dev.data.json, "aws_cognito_user_pool_domain").certificate_arn).toBeUndefined();
    expect(configsOf(dev.data.json, "aws_acm_certificate")).toEqual([]);
    expect((dev.data.json as Json).output.hosted_ui_domain.value).toMatch(/\.auth\.eu-west-1\.amazoncognito\.com$/);
  });
});
