import { environments } from "../../environments";
import { stateConfig } from "../../stacks/state/backend";
import { synthNotesStack } from "../helpers/stacks";

describe("configureBackend", () => {
  test("uses local state at a relative path by default", () => {
    const { json } = synthNotesStack();
    expect(json.terraform?.backend).toEqual({ local: { path: "../../../terraform.dev.tfstate" } });
  });

  test("uses the encrypted, lock-file S3 backend when STATE_BUCKET names a bucket", () => {
    const { json } = synthNotesStack({ env: { STATE_BUCKET: "acme-terraform-state" } });
    expect(json.terraform?.backend).toEqual({
      s3: {
        bucket: "acme-terraform-state",
        key: "notes/dev.tfstate",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  test("the configuration's bucket wins over the environment variable", () => {
    const config = { ...environments.prod, state: { bucket: "prod-state", key: "custom/prod.tfstate", region: "us-east-1" } };
    expect(stateConfig(config, { STATE_BUCKET: "other" })).toEqual(config.state);
    const { json } = synthNotesStack({ config, env: { STATE_BUCKET: "other" } });
    expect(json.terraform?.backend).toMatchObject({ s3: { bucket: "prod-state", key: "custom/prod.tfstate", region: "us-east-1", use_lockfile: true } });
  });

  test("a blank STATE_BUCKET means local state", () => {
    expect(stateConfig(environments.dev, { STATE_BUCKET: "  " })).toBeUndefined();
  });
});
