import "../cli/report-load-errors";
import { parseCommandLine, runCli, UsageError } from "../cli/command-line";
import { checkStackName, LOCAL_DATA_DIR, loadLocalStack } from "../stack/local-stack";
import { LocalUsers } from "../cognito/local-users";
import { checkGroupOption } from "../stack/stack-model";

const spec = {
  command: "npm run user --",
  positionals: "add <username> | list | groups <username> | remove <username>",
  summary: "Manages the users the local hosted UI of `npm run dev` signs in (kept in .local/, passwords as scrypt hashes). npm run dev reads them at every sign-in: no restart.",
  options: {
    stack: { type: "string", value: "environment", description: "the environment whose users to manage", default: "dev" },
    password: { type: "string", value: "password", description: "with add: at least 8 characters" },
    email: { type: "string", value: "address", description: "with add: the email claim (default <username>@example.com)" },
    group: { type: "string", value: "group", description: "with add or groups: a group of the stack; the pre-token trigger grants its scopes (see the auth matrix)", multiple: true },
  },
  examples: ["npm run user -- add carol --password 'correct horse battery' --group editors", "npm run user -- list", "npm run user -- groups carol --group readers", "npm run user -- remove carol"],
} as const;

runCli(() => {
  const { values, positionals } = parseCommandLine(spec);
  const users = LocalUsers.forStack(LOCAL_DATA_DIR, checkStackName(values.stack));
  const [action, username, ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}': ${spec.command} --help`);
  if (action === "list" && !username) {
    const listed = users.list();
    process.stdout.write(listed.length ? listed.map((user) => `${user.username}\t${user.email}\t${user.groups.join(",") || "-"}`).join("\n") + "\n" : "no users yet: npm run dev makes alice and bob on its first start\n");
    return;
  }
  if (action === "add" && username) {
    if (!values.password) throw new UsageError("add needs --password (at least 8 characters)");
    const known = checkGroupOption(loadLocalStack(values.stack).model, values.group);
    const user = users.add(username, values.password, { email: values.email, groups: values.group });
    process.stdout.write(`added ${user.username} (${user.email}${user.groups.length ? `, groups ${user.groups.join(", ")}` : ""})\n`);
    if (!user.groups.length && known.length) process.stdout.write(`note: ${user.username} is in no group, so their access tokens hold no custom scope; add --group ${known.join("|")}\n`);
    return;
  }
  if (action === "groups" && username) {
    checkGroupOption(loadLocalStack(values.stack).model, values.group);
    if (!users.setGroups(username, values.group ?? [])) throw new UsageError(`no user '${username}' (npm run user -- list)`);
    process.stdout.write(`${username}: groups ${(values.group ?? []).join(", ") || "none"} (from the next sign-in or refresh)\n`);
    return;
  }
  if (action === "remove" && username) {
    if (!users.remove(username)) throw new UsageError(`no user '${username}' (npm run user -- list)`);
    process.stdout.write(`removed ${username}\n`);
    return;
  }
  throw new UsageError(`name what to do: ${spec.positionals} (${spec.command} --help)`);
});
