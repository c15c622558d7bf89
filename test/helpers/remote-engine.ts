import { afterAll, beforeAll, describe } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { processRunner, type RunOptions, type Runner } from "../../src/core/runner.ts";

/** How a test reaches the second engine: TCP with TLS client certificates, or `ssh://`. */
export type RemoteTransport = "tls" | "ssh";

/** The second engine as `scripts/remote-engine.sh env` describes it. */
export interface RemoteEngine {
  /** The engine's address on the veth pair (the host has the other end). */
  address: string;
  /** The range its bridges take; the host marks it unreachable. */
  bridges: string;
  /** The environment that points a docker CLI at it (`DOCKER_HOST`, certs, `DOCKER_CONFIG`…). */
  env: Record<string, string>;
}

const SCRIPT = join(import.meta.dir, "../../scripts/remote-engine.sh");
const TOOLS = ["ip", "nsenter", "dockerd", "openssl", "/usr/sbin/sshd", "ssh", "flock"];

/**
 * Why the second engine cannot run here, or undefined when it can: it needs root (a
 * network namespace, a second dockerd) and the tools the script drives.
 */
export function remoteEngineUnsupported(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root";
  const missing = TOOLS.filter((tool) => (tool.startsWith("/") ? !existsSync(tool) : Bun.which(tool) === null));
  return missing.length > 0 ? `missing ${missing.join(", ")}` : undefined;
}

let holders = 0;
let held: { token: string; ready: Promise<void> } | undefined;

/**
 * Holds the second engine for the current test file: starts it (or joins it) before
 * the file's tests and releases it after them; the script stops it 15 s after its last
 * live holder is gone, so the next file of the run joins it instead of restarting it. (Bun 1.4.5's test runner emits neither `exit` nor `beforeExit`, so a
 * per-process hold could not be released.) Call it inside a `describe`.
 */
export function holdRemoteEngine(): void {
  beforeAll(async () => {
    await startRemoteEngine();
  }, 180_000);
  afterAll(async () => {
    if (held === undefined) return;
    const { token } = held;
    held = undefined;
    await processRunner.run(["bash", SCRIPT, "release", token], { timeoutMs: 60_000 });
  }, 60_000);
}

/** Starts the engine (idempotent) under this process's holder token. */
export function startRemoteEngine(): Promise<void> {
  if (held === undefined) {
    const token = `${process.pid}.${++holders}`;
    const ready = processRunner.run(["bash", SCRIPT, "start", "--holder", token], { timeoutMs: 180_000 }).then(() => {});
    held = { token, ready };
  }
  return held.ready;
}

/** The environment to reach the engine over `transport` (started first). */
export async function remoteEngine(transport: RemoteTransport | "unix"): Promise<RemoteEngine> {
  await startRemoteEngine();
  const printed = await processRunner.run(["bash", SCRIPT, "env", transport]);
  const env: Record<string, string> = {};
  for (const line of printed.stdout.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  const { BOTTLE_REMOTE_ENGINE_ADDR: address, BOTTLE_REMOTE_ENGINE_BRIDGES: bridges, ...docker } = env;
  return { address: address!, bridges: bridges!, env: docker };
}

/** Copies images from the main engine to the second one (skipping those already there). */
export async function loadRemoteImages(...images: string[]): Promise<void> {
  await startRemoteEngine();
  await processRunner.run(["bash", SCRIPT, "load", ...images], { timeoutMs: 300_000 });
}

/**
 * A runner whose every child gets `env` on top of its own: the backend under test runs
 * in this process, whose environment points at the main engine.
 */
export function runnerWithEnv(env: Record<string, string>, runner: Runner = processRunner): Runner {
  const merge = (options: RunOptions = {}): RunOptions => ({ ...options, env: { ...env, ...options.env } });
  return {
    run: (argv, options) => runner.run(argv, merge(options)),
    start: (argv, options) => runner.start(argv, merge(options)),
  };
}

const unsupported = remoteEngineUnsupported();
if (unsupported !== undefined && process.env.BOTTLE_REQUIRE_ENGINE === "1" && process.env.CI !== undefined) {
  throw new Error(`BOTTLE_REQUIRE_ENGINE=1 in CI but the second engine cannot run: ${unsupported}`);
}

/**
 * `describe` that runs only where the second engine can (root, the tools); under CI
 * with `BOTTLE_REQUIRE_ENGINE=1` its absence is a failure, not a skip.
 */
export const describeRemoteEngine = unsupported === undefined ? describe : describe.skip;
