import type { CommandModule } from "./context.ts";

/** One flag of a command. */
export interface FlagSpec {
  type: "boolean" | "string";
  short?: string;
  multiple?: boolean;
  value?: string;
  description: string;
}

/** One command: its words, flags and the module that runs it (loaded lazily). */
export interface CommandSpec {
  summary: string;
  usage: string;
  /** By default, positionals are not accepted; this is the most a command takes. */
  maxPositionals?: number;
  flags: Record<string, FlagSpec>;
  load: () => Promise<CommandModule>;
}

const json: FlagSpec = { type: "boolean", description: "print machine-readable JSON" };
const manifest: FlagSpec = { type: "string", short: "m", value: "FILE", description: "the manifest (default: $BOTTLE_MANIFEST, ./bottle.yaml, $XDG_CONFIG_HOME/bottle/bottle.yaml, built-in)" };
const backend: FlagSpec = { type: "string", short: "b", value: "NAME", description: "docker | smolmachines (default: docker)" };

/** Flags every command accepts. */
export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  help: { type: "boolean", short: "h", description: "show help" },
  debug: { type: "boolean", description: "show stack traces and the commands bottle runs" },
};

/** Flags of the start flow, shared by `bottle` (the picker) and `bottle start`. */
const START_FLAGS: Record<string, FlagSpec> = {
  manifest,
  backend,
  cwd: { type: "boolean", description: "copy the current directory into the workspace" },
  "no-cwd": { type: "boolean", description: "start with an empty workspace" },
  prompt: { type: "string", short: "p", value: "TEXT", description: "run the agent non-interactively with this prompt and exit with its code" },
  detach: { type: "boolean", short: "d", description: "return once the bottle is ready" },
  yes: { type: "boolean", short: "y", description: "skip the confirmation" },
  json,
};

/** The one place that declares every command and flag. */
export const COMMANDS: Record<string, CommandSpec> = {
  start: {
    summary: "start a bottle and attach to its agent",
    usage: "bottle start [AGENT] [flags]",
    maxPositionals: 1,
    flags: START_FLAGS,
    load: () => import("./commands/start.ts"),
  },
  plan: {
    summary: "dry run: print the resolved plan and the exact engine commands",
    usage: "bottle plan [AGENT] [flags]",
    maxPositionals: 1,
    flags: { manifest, backend, cwd: START_FLAGS.cwd!, json },
    load: () => import("./commands/plan.ts"),
  },
  validate: {
    summary: "check a manifest and report every problem as FILE:LINE:COL",
    usage: "bottle validate [FILE] [flags]",
    maxPositionals: 1,
    flags: { manifest, json },
    load: () => import("./commands/validate.ts"),
  },
  schema: {
    summary: "print the manifest's JSON Schema",
    usage: "bottle schema",
    flags: {},
    load: () => import("./commands/schema.ts"),
  },
  init: {
    summary: "write a commented starter bottle.yaml here",
    usage: "bottle init [flags]",
    flags: { force: { type: "boolean", description: "overwrite an existing bottle.yaml" } },
    load: () => import("./commands/init.ts"),
  },
  doctor: {
    summary: "check docker, the engine, runtimes, smolvm, /dev/kvm and disk",
    usage: "bottle doctor [flags]",
    flags: { json },
    load: () => import("./commands/doctor.ts"),
  },
  gate: {
    summary: "run the gate (inside a bottle's gate container, or standalone)",
    usage: "bottle gate --config FILE",
    flags: { config: { type: "string", short: "c", value: "FILE", description: "gate config (YAML or JSON)" } },
    load: () => import("./commands/gate.ts"),
  },
};
