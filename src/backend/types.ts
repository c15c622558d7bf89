import type { DoctorCheck, DoctorDeps } from "../core/doctor/doctor-check.ts";
import type { BottlePaths } from "../core/paths.ts";
import type { Runner } from "../core/runner.ts";
import type { Settings } from "../core/settings.ts";
import type { SocketGet } from "../core/socket-get.ts";
import type { AgentConfig, BottleConfig } from "../manifest/schema.ts";

/** What every backend is handed: the only ways it touches the outside world. */
export interface BackendDeps {
  runner: Runner;
  paths: BottlePaths;
  /** The host environment: forwarded variables and route secrets are read from it, by name, at launch. */
  env: Record<string, string | undefined>;
  /** The `BOTTLE_*` settings, validated once (see core/settings.ts). */
  settings: Settings;
  /** Progress for people (build output, "waiting for gate"); goes to stderr. */
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Called with each launch step's name before it runs: tests abort there, never by matching log text. */
  onStep?: (name: string) => void;
  /** A person is at the CLI's terminal (and no CI): supervise requests may wait for them. By default, no one. */
  attended?: boolean;
  /** Asks a local engine's API on its socket. By default (tests with a recorder), absent: a backend then uses its CLI. */
  socketGet?: SocketGet;
}

/** Where the agent's image comes from, its paths absolute. */
export type AgentImageSource =
  | { kind: "default" }
  | { kind: "ref"; ref: string }
  | { kind: "dockerfile"; dockerfile: string; context: string };

/** One host variable forwarded into the agent: env `key` gets the host's `from`. */
export interface ForwardedEnv {
  key: string;
  from: string;
}

/**
 * A fully resolved request to start a bottle: the manifest's answer plus the CLI's
 * choices, resolved once (absolute paths, forwarded env pairs, route secret names).
 * Nothing later re-reads `agent.env` or re-resolves a path.
 */
export interface StartSpec {
  identity: string;
  agentName: string;
  agent: AgentConfig;
  bottleName: string;
  bottle: BottleConfig;
  /** The manifest it came from (absolute, or `<built-in>`): `resume` reads it again. */
  manifestFile: string;
  /** Folder of the manifest; every path below is already resolved against it. */
  manifestDir: string;
  image: AgentImageSource;
  /** Skill folders, absolute. */
  skills: string[];
  /** The directory to copy into the workspace, or undefined for an empty one. */
  copyFrom: string | undefined;
  /**
   * Where the workspace came from: the folder `--cwd` copied and, when that was a git
   * repository's top folder, its `HEAD` then. Recorded at start and carried by every
   * resume (which copies nothing), so `bottle list` and `bottle diff` can tell.
   */
  origin?: WorkspaceOrigin | undefined;
  /** `--prompt`: run non-interactively with this text. */
  prompt: string | undefined;
  /** Agent env: literal values, and host variables forwarded by name. */
  env: { literal: Record<string, string>; forwarded: ForwardedEnv[] };
  /** Host variables the gate's routes inject (`${NAME}` in `inject.value`), in order, once each. */
  routeSecrets: string[];
}

/** See {@link StartSpec.origin}. */
export interface WorkspaceOrigin {
  folder: string;
  /** The commit `HEAD` then; undefined when the folder was not a repository's top. */
  head: string | undefined;
  /** The tree of the files as copied (HEAD, uncommitted edits, untracked files), which
   * `bottle diff` compares against; absent for bottles started before it was recorded. */
  tree?: string;
}

/** The resolved plan a backend will carry out; `bottle plan` prints it. Frozen. */
export interface Plan<D = unknown> {
  backend: string;
  spec: StartSpec;
  /** `<state>/<identity>`. */
  stateDir: string;
  /** True when this identity ran before: its workspace, home and state are kept, never created or removed. */
  resume: boolean;
  /** The engine commands launch will run, in order, for `bottle plan` (no secret values). */
  commands: readonly (readonly string[])[];
  /**
   * For a backend that creates API objects instead of running commands (Kubernetes):
   * the objects, in order, no secret values; `bottle plan` prints them as YAML
   * (`--json`: as a list).
   */
  objects?: { list: readonly unknown[]; yaml: string };
  /** Backend-specific resolution (names, images, runtime), typed by the backend. */
  details: Readonly<D>;
}

/**
 * One step of a launch. `undo` removes what `create` made (and is run even when
 * `create` failed half-way, so it must tolerate a missing object). A step marked `work`
 * holds the bottle's work (workspace, agent home): its undo runs only when a fresh
 * bottle fails to launch, never on a normal stop or a failed resume.
 */
export interface LaunchStep {
  name: string;
  /** Progress shown before it runs. */
  says?: string;
  work?: boolean;
  create(): Promise<void>;
  undo(): Promise<void>;
}

/** Steps in order; an inner array is a stage whose steps run concurrently. */
export type LaunchStage = LaunchStep | readonly LaunchStep[];

/** How the launched agent is reached, known once every step has run. */
export interface LaunchedAgent {
  /** The agent's command (the manifest's, or the image's). */
  command: string[];
  /** Extra arguments for an interactive `resume` (Claude Code: `--continue` when it has a conversation). */
  resumeArgs: string[];
  /** The argv that runs `argv` inside the agent (docker exec, smolvm machine exec). */
  exec(argv: string[], mode: { interactive: boolean; tty: boolean }): string[];
  objects: Pick<Bottle, "containers" | "networks" | "volumes">;
}

/** What a backend supplies to the one launch lifecycle (`launchBottle`). */
export interface LaunchRecipe {
  steps: readonly LaunchStage[];
  /** Called after the last step. */
  agent(): LaunchedAgent;
}

/** A live bottle. Disposing it tears everything down in reverse order. */
export interface Bottle extends AsyncDisposable {
  identity: string;
  plan: Plan;
  containers: string[];
  networks: string[];
  /** Engine volumes (workspace, agent home); kept on a normal exit so `resume` finds them. */
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
  /** Makes disposing it delete everything, work included (`start --rm`). */
  removeOnExit(): void;
}

/** One bottle as `bottle list` shows it. */
export interface BottleSummary {
  identity: string;
  agent: string;
  backend: string;
  status: "running" | "stopped" | "blocked";
  createdAt: string;
  /** Why it is in that state, when it is not the obvious (`its CLI died`). */
  note?: string;
  /** A stopped bottle's workspace size as measured when it stopped, when its backend records one. */
  workspaceAtStop?: { bytes: number; at: string };
}

/** One thing cleanup removed (or would remove), with its size where known. */
export interface RemovedObject {
  kind: "container" | "network" | "volume" | "machine" | "state";
  name: string;
  /** What it holds on disk (volumes, state folders) as people read it (`1.2MB`), when known. */
  size?: string;
}

/** What `cleanup` found and removed (or, with `dryRun`, would remove). */
export interface CleanupReport {
  removed: RemovedObject[];
}

/** Which bottles `cleanup` reaps. */
export interface CleanupOptions {
  /** Only this bottle; by default, every one the options select. */
  identity?: string;
  /**
   * Delete stopped and dead bottles whole, work included (`cleanup --all`, `rm`). By
   * default only the running parts of dead bottles go; their work is kept for `resume`.
   */
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

/** `<state>/<identity>/agent.json`: how launch found the agent, for `attach`. */
export interface AgentRecord {
  command: string[];
}

/**
 * The contract every backend implements (docker, smolmachines; Kubernetes next).
 * `prepare` resolves without creating anything; `steps` supplies the ordered
 * `{ name, create, undo }` steps that `launchBottle` (the one lifecycle) runs;
 * `cleanup` reaps what a dead CLI left behind. Adding a backend touches
 * `src/backend/select.ts` only.
 */
export interface Backend<D = unknown> {
  name: string;
  /** What it runs bottles in, in a few words: the picker's hint beside its name. */
  summary: string;
  /** Whether this host can run its bottles now; the picker offers only usable backends. */
  availability(deps: BackendDeps): Promise<Availability>;
  /** This backend's `bottle doctor` checks; a `fail` means it cannot run here. */
  doctor(deps: DoctorDeps): Promise<DoctorCheck[]>;
  prepare(spec: StartSpec, deps: BackendDeps): Promise<Plan<D>>;
  steps(plan: Plan<D>, deps: BackendDeps): Promise<LaunchRecipe>;
  cleanup(deps: BackendDeps, options: CleanupOptions): Promise<CleanupReport>;
  list(deps: BackendDeps): Promise<BottleSummary[]>;
  /** Hands the terminal to the agent of a running bottle; resolves with its exit code. */
  attach(identity: string, deps: BackendDeps): Promise<number>;
  /** Removes a bottle's running parts, keeping its state and work for `resume`; `alreadyStopped` when there were none. */
  stop(identity: string, deps: BackendDeps): Promise<CleanupReport & { alreadyStopped: boolean }>;
  /** Streams the agent's logs to the terminal; resolves with an exit code. The gate's audit log is a file (`auditLogPath`). */
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
  /**
   * Whether this backend's gate terminates the bottle's HTTPS (it installs the gate's
   * CA in the agent when it does). By default, the bottle's own decision (`inspectsTls`
   * of its egress: on unless `tls: { inspect: false }`). `bottle plan` shows this, so
   * it never claims an inspection a backend does not do.
   */
  inspectsTls?(spec: StartSpec): boolean;
  /**
   * `bottle list --size`: the bytes each bottle's workspace holds, by identity (a
   * bottle missing from the answer has no workspace). Asked only on request: it can
   * cost more than the listing itself.
   */
  workspaceSizes(deps: BackendDeps): Promise<Record<string, number>>;
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
  /**
   * The command needs only the workspace (`bottle diff`): a stopped bottle may run it
   * where its workspace is kept, as the agent's user, with no network. A backend that
   * cannot says the bottle must be running.
   */
  workspaceOnly?: boolean;
}
