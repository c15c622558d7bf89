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
const backend: FlagSpec = { type: "string", short: "b", value: "NAME", description: "docker | smolmachines | kubernetes (experimental) (default: docker)" };

/** Flags every command accepts. */
export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  help: { type: "boolean", short: "h", description: "show help" },
  debug: { type: "boolean", description: "show stack traces and the commands bottle runs" },
  context: { type: "string", value: "NAME", description: "the engine's context: a docker context (default: $DOCKER_CONTEXT, then docker's current), or with --backend kubernetes a kubeconfig context" },
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
  "dry-run": { type: "boolean", description: "pick and resolve as usual, then print the plan instead of starting (as `bottle plan`)" },
  json,
  name: { type: "string", short: "n", value: "NAME", description: "name the bottle <agent>-NAME instead of a random suffix" },
  rm: { type: "boolean", description: "delete the bottle, workspace and all, when the agent exits" },
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
  attach: {
    summary: "open a session on a running bottle's agent",
    usage: "bottle attach ID",
    maxPositionals: 1,
    flags: {},
    load: () => import("./commands/attach.ts"),
  },
  resume: {
    summary: "bring a stopped bottle back with its workspace and home, applying its manifest as it is now, and attach",
    usage: "bottle resume ID [flags]",
    maxPositionals: 1,
    flags: {
      prompt: START_FLAGS.prompt!,
      detach: START_FLAGS.detach!,
      json,
      manifest: { ...manifest, description: "the manifest to apply (default: the one it was started from)" },
      "keep-spec": { type: "boolean", description: "resume exactly as recorded at start, not with the manifest as it is now" },
    },
    load: () => import("./commands/resume.ts"),
  },
  list: {
    summary: "list bottles: identity, agent, backend, status, age, a stopped one's size at stop, the folder --cwd copied",
    usage: "bottle list [flags]",
    flags: { size: { type: "boolean", short: "s", description: "each workspace's size now (one more engine call); without it, a stopped bottle's size when it stopped" }, json },
    load: () => import("./commands/list.ts"),
  },
  stop: {
    summary: "stop a bottle, keeping its workspace for resume",
    usage: "bottle stop ID… [flags]",
    maxPositionals: 100,
    flags: { all: { type: "boolean", description: "stop every running bottle" }, json },
    load: () => import("./commands/stop.ts"),
  },
  logs: {
    summary: "show a bottle's agent logs, or its gate's (audit) with --gate",
    usage: "bottle logs ID [flags]",
    maxPositionals: 1,
    flags: {
      gate: { type: "boolean", description: "the gate's logs (its audit lines and errors)" },
      follow: { type: "boolean", short: "f", description: "keep streaming new lines" },
      blocked: { type: "boolean", description: "with --gate: only what the gate refused" },
      json: { type: "boolean", description: "with --gate: the audit's JSON lines as written" },
    },
    load: () => import("./commands/logs.ts"),
  },
  rm: {
    summary: "delete bottles: running parts, workspace, agent home and state",
    usage: "bottle rm ID… [flags]",
    maxPositionals: 100,
    flags: { force: { type: "boolean", short: "f", description: "also delete running bottles" }, json },
    load: () => import("./commands/rm.ts"),
  },
  cp: {
    summary: "copy out of a bottle (ID:PATH DEST) or into it (SRC ID:PATH), as docker cp",
    usage: "bottle cp SRC DEST",
    maxPositionals: 2,
    flags: {},
    load: () => import("./commands/cp.ts"),
  },
  diff: {
    summary: "the agent's changes against the git HEAD that --cwd copied",
    usage: "bottle diff ID [flags]",
    maxPositionals: 1,
    flags: { stat: { type: "boolean", description: "a summary of changed files (git diff --stat)" } },
    load: () => import("./commands/diff.ts"),
  },
  shell: {
    summary: "a shell as the agent's user in a running bottle",
    usage: "bottle shell ID [-- COMMAND…]",
    maxPositionals: 1000,
    flags: {},
    load: () => import("./commands/shell.ts"),
  },
  cleanup: {
    summary: "remove the running parts dead bottles left (their work stays); --all lists stopped bottles to delete",
    usage: "bottle cleanup [flags]",
    flags: {
      all: { type: "boolean", description: "stopped bottles too, whole, workspaces and homes included: listed with sizes, deleted only with --yes" },
      yes: { type: "boolean", short: "y", description: "with --all: delete what it lists" },
      json,
    },
    load: () => import("./commands/cleanup.ts"),
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
    flags: { json, backend: { ...backend, description: "check only this backend (docker | smolmachines | kubernetes)" } },
    load: () => import("./commands/doctor.ts"),
  },
  requests: {
    summary: "list what agents asked for and wait on, across bottles",
    usage: "bottle requests [flags]",
    flags: { json },
    load: () => import("./commands/requests.ts"),
  },
  approve: {
    summary: "approve an agent's request (applies to the running bottle at once)",
    usage: "bottle approve REQ [flags]",
    maxPositionals: 1,
    flags: {
      save: { type: "boolean", description: "also add the host to the bottle's egress.allow in its manifest" },
      note: { type: "string", value: "TEXT", description: "a note the agent gets with the answer" },
      manifest: { ...manifest, description: "the manifest --save writes (default: the one the bottle was started from)" },
      json,
    },
    load: () => import("./commands/approve.ts"),
  },
  deny: {
    summary: "deny an agent's request, with a reason it is told",
    usage: "bottle deny REQ [flags]",
    maxPositionals: 1,
    flags: { reason: { type: "string", value: "TEXT", description: "why, for the agent" }, json },
    load: () => import("./commands/deny.ts"),
  },
  supervise: {
    summary: "watch agents' requests across bottles live, and decide each",
    usage: "bottle supervise",
    flags: {},
    load: () => import("./commands/supervise.ts"),
  },
  gate: {
    summary: "run the gate (inside a bottle's gate container, or standalone)",
    usage: "bottle gate --config FILE",
    // `bottle gate git-hook` is the git gate's pre-receive hook (git runs it, not people);
    // `bottle gate probe` waits for /healthz inside the gate's container (backends exec it);
    // `bottle gate requests` relays supervise requests where the CLI cannot share their folder;
    // `bottle gate audit` prints the audit log where the CLI cannot read the gate's files;
    // `bottle gate ca` prints the running gate's CA certificate there (backends exec it).
    maxPositionals: 1,
    flags: {
      config: { type: "string", short: "c", value: "FILE", description: "gate config (YAML or JSON)" },
      wait: { type: "string", value: "SECONDS", description: "with `probe`: how long to wait for /healthz (default: 30)" },
      follow: { type: "boolean", short: "f", description: "with `audit`: keep streaming new lines" },
    },
    load: () => import("./commands/gate.ts"),
  },
};
