import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface DnsValidatedCertificateProps {
  /** The one name the certificate covers, for example `api.notes.example.com`. */
  readonly domainName: string;
  /** The Route 53 hosted zone the validation record goes into. */
  readonly hostedZoneId: string;
  /**
   * The provider (region) the certificate lives in: CloudFront-backed services, such as a Cognito
   * custom domain, take certificates from us-east-1 only.
   * @default - the stack's provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * An ACM certificate for one name, validated by a DNS record in Route 53; `certificateArn` is the
 * validated certificate's, so whatever uses it waits for the validation.
 */
export class DnsValidatedCertificate extends Construct {
  readonly certificate: AcmCertificate;
  readonly validation: AcmCertificateValidation;

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    this.certificate = new AcmCertificate(this, "certificate", {
      domainName: props.domainName,
      validationMethod: "DNS",
      keyAlgorithm: "RSA_2048",
      provider: props.provider,
      // A renamed domain gets its new certificate before the old one goes (it is in use until then).
      lifecycle: { createBeforeDestroy: true },
    });
    // One name, so one validation record: its name and value are known after the certificate is requested.
    const option = this.certificate.domainValidationOptions.get(0);
    const record = new Route53Record(this, "validation-record", {
      zoneId: props.hostedZoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    });
    this.validation = new AcmCertificateValidation(this, "validation", {
      certificateArn: this.certificate.arn,
      validationRecordFqdns: [record.fqdn],
      provider: props.provider,
    });
  }

  get certificateArn(): string {
    return this.validation.certificateArn;
  }
}
