import { Testing, TerraformStack } from "cdktf";
import { bootstrap, environments } from "../../environments";
import { NotesApp } from "../../stacks/notes-app";
import { CheckedStack } from "../../stacks/policy/checked-stack";

/** The app as main.ts builds it, in memory. */
function buildApp(): { app: NotesApp; stacks: CheckedStack[] } {
  const app = new NotesApp({ outdir: Testing.app().outdir, env: {}, log: () => undefined });
  app.addEnvironments(Object.values(environments));
  app.addBootstrap(bootstrap);
  return { app, stacks: app.node.findAll().filter((node): node is CheckedStack => node instanceof CheckedStack) };
}

describe("CheckedStack: each stack resolved once", () => {
  test("gives exactly what cdktf's own two passes (preparing, then resolving) give, cross-stack references included", () => {
    // GIVEN the app resolved the way cdktf does it: every stack prepared, then each resolved again
    const standard = buildApp().stacks;
    for (const stack of standard) TerraformStack.prototype.prepareStack.call(stack);
    const expected = new Map(standard.map((stack) => [stack.node.id, JSON.stringify(TerraformStack.prototype.toTerraform.call(stack))]));
    // WHEN the app checks its stacks, keeping what the preparing pass resolved
    const { app, stacks } = buildApp();
    app.check();
    // THEN every stack is the same, byte for byte
    expect(stacks.map((stack) => stack.node.id).sort()).toEqual([...expected.keys()].sort());
    for (const stack of stacks) expect(JSON.stringify(stack.toTerraform())).toBe(expected.get(stack.node.id));
    // AND the API stacks read the data stacks through remote state, as cdktf wires it
    expect(JSON.stringify(stacks.find((stack) => stack.node.id === "dev")!.toTerraform())).toContain("terraform_remote_state");
  });
});
