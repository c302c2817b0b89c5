import type { AccessChange, StackAccessDiff } from "./compare";

/** Whether any caller reaches a route it did not reach before. */
export const widened = (diffs: readonly StackAccessDiff[]) => diffs.some((diff) => diff.gained.length > 0);

const changed = (diff: StackAccessDiff) => diff.gained.length + diff.lost.length + diff.routesAdded.length + diff.routesRemoved.length + diff.otherChanges.length > 0;

function changeRows(changes: readonly AccessChange[]): string[] {
  const callerWidth = Math.max(...changes.map((change) => change.caller.length));
  const routeWidth = Math.max(...changes.map((change) => change.route.length));
  return changes.map((change) => `    ${change.caller.padEnd(callerWidth)}  ${change.route.padEnd(routeWidth)}  ${change.how}`);
}

/** The diff for a terminal: per stack, access gained, access lost, routes added and removed, then what changed without changing access. */
export function reportLines(diffs: readonly StackAccessDiff[], base: string): string[] {
  const lines = [`access diff against ${base}, ${diffs.length} stacks`];
  for (const diff of diffs) {
    if (!changed(diff)) {
      lines.push(`${diff.stack}: no changes`);
      continue;
    }
    lines.push(`${diff.stack}:`);
    if (diff.gained.length) lines.push(`  access gained (${diff.gained.length}):`, ...changeRows(diff.gained));
    if (diff.lost.length) lines.push(`  access lost (${diff.lost.length}):`, ...changeRows(diff.lost));
    if (diff.routesAdded.length) lines.push(`  routes added: ${diff.routesAdded.join(", ")}`);
    if (diff.routesRemoved.length) lines.push(`  routes removed: ${diff.routesRemoved.join(", ")}`);
    if (diff.otherChanges.length) lines.push("  changes that give or take no access:", ...diff.otherChanges.map((change) => `    ${change}`));
  }
  const gained = diffs.reduce((sum, diff) => sum + diff.gained.length, 0);
  const lost = diffs.reduce((sum, diff) => sum + diff.lost.length, 0);
  lines.push(
    widened(diffs)
      ? `access widened: ${gained} route x caller cells gained, ${lost} lost (exit 1: a widening is approved deliberately)`
      : `access did not widen: ${lost} route x caller cells lost`,
  );
  return lines;
}
