import { environments } from "../../environments";
import { GuardError } from "../../stacks/guard/guard-error";
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
    const config = { ...environments.prod, state: { bucket: "prod-state", keyPrefix: "custom", region: "us-east-1" } };
    expect(stateConfig(config, { STATE_BUCKET: "other" })).toEqual(config.state);
    const { json, data } = synthNotesStack({ config, env: { STATE_BUCKET: "other" } });
    expect(json.terraform?.backend).toMatchObject({ s3: { bucket: "prod-state", key: "custom/prod.tfstate", region: "us-east-1", use_lockfile: true } });
    expect(data.json.terraform?.backend).toMatchObject({ s3: { bucket: "prod-state", key: "custom/prod-data.tfstate", region: "us-east-1", use_lockfile: true } });
  });

  test("a blank STATE_BUCKET means local state", () => {
    expect(stateConfig(environments.dev, { STATE_BUCKET: "  " })).toBeUndefined();
  });

  test("the data stack reads and writes its own state, and the API stack reads it through remote state", () => {
    const { json, data } = synthNotesStack({ env: { STATE_BUCKET: "acme-terraform-state" } });
    expect(data.json.terraform?.backend).toMatchObject({ s3: { bucket: "acme-terraform-state", key: "notes/dev-data.tfstate" } });
    expect(Object.values(json.data!.terraform_remote_state!)).toEqual([
      expect.objectContaining({ backend: "s3", config: expect.objectContaining({ bucket: "acme-terraform-state", key: "notes/dev-data.tfstate" }) }),
    ]);
  });

  test("fails closed: with REQUIRE_REMOTE_STATE=1 and no bucket, synth refuses local state and names the setting", () => {
    expect(() => synthNotesStack({ env: { REQUIRE_REMOTE_STATE: "1" } })).toThrow(GuardError);
    expect(() => synthNotesStack({ env: { REQUIRE_REMOTE_STATE: "1", STATE_BUCKET: " " } })).toThrow(
      /\[dev\] config: state\.bucket = " ": REQUIRE_REMOTE_STATE=1 forbids local state: set STATE_BUCKET/,
    );
    expect(synthNotesStack({ env: { REQUIRE_REMOTE_STATE: "1", STATE_BUCKET: "acme-terraform-state" } }).json.terraform?.backend).toHaveProperty("s3");
  });
});
