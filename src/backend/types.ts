import type { BottlePaths } from "../core/paths.ts";
import type { Runner } from "../core/runner.ts";
import type { AgentConfig, BottleConfig } from "../manifest/schema.ts";

/** What every backend is handed: the only ways it touches the outside world. */
export interface BackendDeps {
  runner: Runner;
  paths: BottlePaths;
  env: Record<string, string | undefined>;
  /** Progress for people (build output, "waiting for gate"); goes to stderr. */
  log: (line: string) => void;
  signal?: AbortSignal;
}

/** A fully resolved request to start a bottle: the manifest's answer plus the CLI's choices. */
export interface StartSpec {
  identity: string;
  agentName: string;
  agent: AgentConfig;
  bottleName: string;
  bottle: BottleConfig;
  /** Folder of the manifest, for relative paths (Dockerfile, skills, prompt_file). */
  manifestDir: string;
  /** The directory to copy into the workspace, or undefined for an empty one. */
  copyFrom: string | undefined;
  /**
   * The commit `HEAD` named in `copyFrom` when that is a git repository's top folder,
   * recorded at start so `bottle diff` can show the agent's changes against it.
   */
  copiedHead?: string | undefined;
  /** `--prompt`: run non-interactively with this text. */
  prompt: string | undefined;
  /** Agent env: literal values, and host variables forwarded by name. */
  env: { literal: Record<string, string>; forwarded: string[] };
}

/** The resolved plan a backend will carry out; `bottle plan` prints it. Frozen. */
export interface Plan {
  backend: string;
  spec: StartSpec;
  /** The engine commands launch will run, in order, for `bottle plan` (no secret values). */
  commands: readonly (readonly string[])[];
  /** Backend-specific resolution (names, images, runtime). */
  details: Readonly<Record<string, unknown>>;
}

/** A live bottle. Disposing it tears everything down in reverse order. */
export interface Bottle extends AsyncDisposable {
  identity: string;
  plan: Plan;
  containers: string[];
  networks: string[];
  /** Engine volumes (the workspace); kept on a normal exit so `resume` finds them. */
  volumes: string[];
  /** Hands the terminal to the agent; resolves with its exit code. */
  attach(): Promise<number>;
  /**
   * Runs the agent with a prompt non-interactively; resolves with its exit code. By
   * default its output goes to the terminal; `onOutput` takes it instead (`--json`
   * keeps stdout for the one JSON object).
   */
  runPrompt(prompt: string, options?: { onOutput?: (chunk: string) => void }): Promise<number>;
  /** Leaves the bottle running after the CLI exits (`--detach`); disposing it is then a no-op. */
  detach(): Promise<void>;
}

/** One bottle as `bottle list` shows it. */
export interface BottleSummary {
  identity: string;
  agent: string;
  backend: string;
  status: "running" | "stopped" | "orphaned" | "blocked";
  createdAt: string;
}

/** What `cleanup` found and removed (or, with `dryRun`, would remove). */
export interface CleanupReport {
  removed: { kind: "container" | "network" | "volume" | "machine" | "state"; name: string }[];
}

/** Which bottles `cleanup` reaps. */
export interface CleanupOptions {
  /** Only this bottle; by default, every dead one. */
  identity?: string;
  /** Also stopped bottles (their workspaces are kept for `resume` otherwise). */
  includeStopped?: boolean;
  /** Report what would be removed, remove nothing. */
  dryRun?: boolean;
}

/** `<state>/<identity>/metadata.json`: enough to list, attach to and `resume` a bottle. */
export interface BottleMetadata {
  identity: string;
  backend: string;
  agent: string;
  createdAt: string;
  /** The spec it was started with (env names and literals, never secret values). */
  spec: StartSpec;
}

/**
 * The contract every backend implements (docker, smolmachines; Kubernetes later):
 * `prepare` resolves without creating engine objects, `launch` creates them and
 * returns an AsyncDisposable, `cleanup` reaps what a dead CLI left behind.
 */
export interface Backend {
  name: string;
  /** What it runs bottles in, in a few words: the picker's hint beside its name. */
  summary: string;
  /** Whether this host can run its bottles now; the picker offers only usable backends. */
  availability(deps: BackendDeps): Promise<Availability>;
  prepare(spec: StartSpec, deps: BackendDeps): Promise<Plan>;
  launch(plan: Plan, deps: BackendDeps): Promise<Bottle>;
  cleanup(deps: BackendDeps, options: CleanupOptions): Promise<CleanupReport>;
  list(deps: BackendDeps): Promise<BottleSummary[]>;
  /** Hands the terminal to the agent of a running bottle; resolves with its exit code. */
  attach(identity: string, deps: BackendDeps): Promise<number>;
  /** Removes a bottle's running parts, keeping its state and workspace for `resume`. */
  stop(identity: string, deps: BackendDeps): Promise<CleanupReport>;
  /** Streams the agent's (or the gate's) logs to the terminal; resolves with an exit code. */
  logs(identity: string, deps: BackendDeps, options: { gate: boolean; follow: boolean }): Promise<number>;
  /** `bottle cp`: copies between the host and a bottle, as `docker cp` does (see {@link CopyRequest}). */
  copy(identity: string, deps: BackendDeps, request: CopyRequest): Promise<void>;
  /** `bottle shell`: a shell (or `command`) as the agent's user in a running bottle; resolves with its exit code. */
  shell(identity: string, deps: BackendDeps, options: ShellOptions): Promise<number>;
  /**
   * `bottle rm`: deletes a bottle whole (running parts, workspace, agent home, state).
   * A running one only with `force`. Only a person's explicit ask calls this.
   */
  remove(identity: string, deps: BackendDeps, options: { force: boolean }): Promise<CleanupReport>;
}

/** A backend's answer to "can you run here?": when not, why, in one line a person can act on. */
export type Availability = { usable: true } | { usable: false; reason: string };

/**
 * One `bottle cp`, with docker cp's meaning: `from` a bottle path to a host path, or
 * the other way. A bottle path is absolute, or relative to the workspace. When the
 * destination is an existing folder the source lands inside it; otherwise it becomes
 * the destination. A source ending in `/.` copies the folder's contents.
 */
export interface CopyRequest {
  direction: "out" | "in";
  /** The path inside the bottle. */
  bottlePath: string;
  /** The path on the host (absolute). */
  hostPath: string;
}

/** What `bottle shell` runs: by default, an interactive shell. */
export interface ShellOptions {
  /** A command to run instead of the shell (`bottle shell ID -- git status`). */
  command?: string[];
  /** Give the shell a terminal; by default, when stdin is one. */
  tty?: boolean;
}
