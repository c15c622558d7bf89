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
    "  bottle                 pick an agent and start it (on a terminal)",
    "  bottle <command> [flags]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.summary}`),
    "",
    "Flags:",
    "      --version              print the version",
    ...flagLines(GLOBAL_FLAGS),
    "",
    "Run `bottle <command> --help` for a command's flags.",
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
