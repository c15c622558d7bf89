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

/**
 * The unix socket of the engine the docker CLI would talk to, when that can be known
 * without asking the CLI: DOCKER_HOST when it is `unix://…`, else the `default`
 * context (chosen by DOCKER_CONTEXT, or by the CLI config's `currentContext`, or by
 * nothing). Undefined means "ask the CLI": a tcp/ssh host, a named context (remote,
 * Docker Desktop, rootless), or a config that does not parse. The precedence is the
 * CLI's own (DOCKER_HOST over DOCKER_CONTEXT over the config, docker 20.10 to 28).
 */
export function engineSocket(env: Record<string, string | undefined>, read: ReadText = readText): string | undefined {
  const host = env.DOCKER_HOST ?? "";
  if (host !== "") return host.startsWith("unix://") && host.length > "unix://".length ? host.slice("unix://".length) : undefined;
  const chosen = env.DOCKER_CONTEXT ?? "";
  if (chosen !== "") return chosen === "default" ? DEFAULT_ENGINE_SOCKET : undefined;
  const folder = env.DOCKER_CONFIG || join(env.HOME || homedir(), ".docker");
  const text = read(join(folder, "config.json"));
  if (text === undefined) return DEFAULT_ENGINE_SOCKET;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  // valibot 1.5's looseObject takes an array too; docker's config never is one.
  const config = v.safeParse(DockerConfig, json);
  if (!config.success || Array.isArray(json)) return undefined;
  const current = config.output.currentContext;
  return current === "" || current === "default" ? DEFAULT_ENGINE_SOCKET : undefined;
}
