import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";

/** Docker's own default endpoint on Linux, what the `default` context means. */
export const DEFAULT_ENGINE_SOCKET = "/var/run/docker.sock";

/** The one key of the docker CLI's `config.json` that picks an engine. */
const DockerConfig = v.looseObject({ currentContext: v.optional(v.string(), "") });

/** Reads a file's text, or undefined when there is none (tests hand in their own). */
export type ReadText = (path: string) => string | undefined;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

/** A named context's endpoint as the CLI stores it (`contexts/meta/<sha256 of the name>/meta.json`). */
const ContextMeta = v.looseObject({ Endpoints: v.looseObject({ docker: v.looseObject({ Host: v.string() }) }) });

/** A JSON file validated by `schema`; `"missing"` when there is none, undefined when it is not that (the CLI then decides). */
function readConfig<T extends v.GenericSchema>(read: ReadText, path: string, schema: T): v.InferOutput<T> | "missing" | undefined {
  const text = read(path);
  if (text === undefined) return "missing";
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  // valibot 1.5's looseObject takes an array too; docker's files never are one.
  const parsed = v.safeParse(schema, json);
  return parsed.success && !Array.isArray(json) ? parsed.output : undefined;
}

/** The socket of a `unix://PATH` endpoint; undefined for any other (tcp, ssh, npipe). */
function unixPath(host: string): string | undefined {
  return host.startsWith("unix://") && host.length > "unix://".length ? host.slice("unix://".length) : undefined;
}

/** A context's socket: `default` is docker's own; a named one's endpoint is in its meta file. */
function contextSocket(folder: string, name: string, read: ReadText): string | undefined {
  if (name === "default") return DEFAULT_ENGINE_SOCKET;
  const id = new Bun.CryptoHasher("sha256").update(name).digest("hex");
  const meta = readConfig(read, join(folder, "contexts", "meta", id, "meta.json"), ContextMeta);
  return meta === undefined || meta === "missing" ? undefined : unixPath(meta.Endpoints.docker.Host);
}

/** A local engine as the docker CLI would reach it: its socket, and the context that chose it. */
export interface EngineEndpoint {
  socket: string;
  /** As `docker context inspect` names it: `default` when DOCKER_HOST or nothing chose one. */
  context: string;
}

/**
 * The unix socket of the engine the docker CLI would talk to, when that can be known
 * without asking the CLI: DOCKER_HOST when it is `unix://…`, else the context chosen
 * by DOCKER_CONTEXT (`--context`), by the CLI config's `currentContext`, or by nothing
 * (`default`, docker's own socket), when its endpoint is a unix socket (Docker Desktop
 * and rootless contexts are). Undefined means "ask the CLI": a tcp/ssh endpoint, or a
 * file that does not parse. The precedence is the CLI's own (DOCKER_HOST over
 * DOCKER_CONTEXT over the config, docker 20.10 to 28).
 */
export function engineEndpoint(env: Record<string, string | undefined>, read: ReadText = readText): EngineEndpoint | undefined {
  const at = (socket: string | undefined, context: string) => (socket === undefined ? undefined : { socket, context });
  const host = env.DOCKER_HOST ?? "";
  // DOCKER_HOST is what the CLI's `default` context then points at (docker 20.10 to 28).
  if (host !== "") return at(unixPath(host), "default");
  const folder = env.DOCKER_CONFIG || join(env.HOME || homedir(), ".docker");
  const chosen = env.DOCKER_CONTEXT ?? "";
  if (chosen !== "") return at(contextSocket(folder, chosen, read), chosen);
  const config = readConfig(read, join(folder, "config.json"), DockerConfig);
  if (config === undefined) return undefined;
  const name = config === "missing" ? "default" : config.currentContext || "default";
  return at(contextSocket(folder, name, read), name);
}

/** The socket of {@link engineEndpoint}: where `list`, `stop` and `rm` ask the engine directly. */
export function engineSocket(env: Record<string, string | undefined>, read: ReadText = readText): string | undefined {
  return engineEndpoint(env, read)?.socket;
}
