import type { Runner } from "../../core/runner.ts";

/** Which engine the docker CLI talks to, and what of this host it shares. */
export interface EngineLocation {
  /** The docker context in effect (`default` when DOCKER_HOST or nothing chose one). */
  context: string;
  /** Its endpoint: `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://user@host`. */
  endpoint: string;
  /**
   * True when the engine reads this host's files: a socket on this host (a Linux engine,
   * rootless, or Docker Desktop, which shares the home folder). Then the gate's files
   * are bind-mounted; otherwise they travel by `docker cp`.
   */
  sharesFiles: boolean;
  /**
   * True when this host routes to the engine's bridge networks: a rootful Linux engine
   * on this host. Then readiness is read from the gate's bridge address; otherwise by
   * `docker exec` of the gate's own probe. Docker Desktop (a VM) and rootless engines
   * (RootlessKit's namespace) share files but not routes.
   */
  reachesBridges: boolean;
}

/** How the docker CLI prints a context and the engine's kind, in one call each. */
export const CONTEXT_FORMAT = "{{.Name}}\t{{.Endpoints.docker.Host}}";
export const ENGINE_KIND_FORMAT = "{{.OperatingSystem}}\t{{json .SecurityOptions}}";

/**
 * Where an engine is, from its endpoint and what it says of itself (`OperatingSystem`,
 * `SecurityOptions` of `docker info` or the API's `GET /info`): one rule for both.
 */
export function engineLocationOf(context: string, endpoint: string, system: string, security: readonly string[]): EngineLocation {
  const onThisHost = /^(unix|npipe):\/\//.test(endpoint);
  const desktop = /docker desktop/i.test(system);
  const rootless = security.some((option) => /name=rootless/.test(option));
  return { context, endpoint, sharesFiles: onThisHost, reachesBridges: onThisHost && !desktop && !rootless };
}

/**
 * Reads the engine's location from what `docker context inspect` (the context in
 * effect: `--context`, DOCKER_CONTEXT, DOCKER_HOST or the config's current one, as the
 * CLI resolves them, 20.10 to 28) and `docker info` print.
 */
export function parseEngineLocation(contextLine: string, kindLine: string): EngineLocation {
  const [context = "default", given = ""] = contextLine.trim().split("\t");
  // No answer (a CLI without contexts): docker's own default, the local socket.
  const endpoint = given === "" ? "unix:///var/run/docker.sock" : given;
  const [system = "", security = "[]"] = kindLine.trim().split("\t");
  // `{{json .SecurityOptions}}` prints a JSON list: searched as one text.
  return engineLocationOf(context, endpoint, system, [security]);
}

/** Asks the docker CLI which engine it talks to (two quick calls, at once). */
export async function engineLocation(runner: Runner): Promise<EngineLocation> {
  const [context, kind] = await Promise.all([
    runner.run(["docker", "context", "inspect", "--format", CONTEXT_FORMAT], { check: false, timeoutMs: 15_000 }),
    runner.run(["docker", "info", "--format", ENGINE_KIND_FORMAT], { check: false, timeoutMs: 30_000 }),
  ]);
  return parseEngineLocation(context.exitCode === 0 ? context.stdout : "", kind.exitCode === 0 ? kind.stdout : "");
}

/** One line for people: `unix:///var/run/docker.sock (context default), local`. */
export function describeEngine(location: EngineLocation): string {
  const where = `${location.endpoint} (context ${location.context})`;
  if (location.reachesBridges) return `${where}, local`;
  if (location.sharesFiles) return `${where}, on this host but its networks are not routed here (Docker Desktop or rootless)`;
  return `${where}, remote`;
}
