import { COMMANDS, GLOBAL_FLAGS, type CommandSpec, type FlagSpec } from "./commands.ts";

function flagLines(flags: Record<string, FlagSpec>): string[] {
  return Object.entries(flags).map(([name, flag]) => {
    const short = flag.short ? `-${flag.short}, ` : "    ";
    const left = `${short}--${name}${flag.value ? ` ${flag.value}` : ""}`;
    return `  ${left.padEnd(26)} ${flag.description}`;
  });
}

/** `bottle --help`. */
export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    "bottle — run coding agents in isolated sandboxes behind an egress gate",
    "",
    "Usage:",
    "  bottle [flags]         pick an agent, backend and workspace, confirm, start (on a terminal;",
    "                         takes the flags of `bottle start`; --dry-run ends at the plan)",
    "  bottle <command> [flags]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.summary}`),
    "",
    "Flags:",
    "      --version              print the version",
    ...flagLines(GLOBAL_FLAGS),
    "",
    "Run `bottle <command> --help` for a command's flags. --debug, --json and --manifest may come",
    "before or after the command (`bottle --debug list` is `bottle list --debug`).",
    "",
    "Exit codes: 0 ok, 1 failure, 2 usage (bad flag, unknown command, missing choice), 130 cancelled, 141 output pipe closed.",
    "",
  ].join("\n");
}

/** `bottle <command> --help`. */
export function commandHelp(name: string, spec: CommandSpec): string {
  return [
    `bottle ${name} — ${spec.summary}`,
    "",
    "Usage:",
    `  ${spec.usage}`,
    "",
    "Flags:",
    ...flagLines({ ...spec.flags, ...GLOBAL_FLAGS }),
    "",
  ].join("\n");
}
