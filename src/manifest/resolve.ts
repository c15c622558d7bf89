import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { AgentImageSource, ForwardedEnv, StartSpec } from "../backend/types.ts";
import { BottleError, UsageError } from "../core/errors.ts";
import { mintIdentity } from "../core/identity.ts";
import { forwardedName } from "./env-value.ts";
import { BUILT_IN, type LoadedManifest } from "./load.ts";
import { routeSecretNames } from "./route-secrets.ts";
import type { AgentConfig } from "./schema.ts";

/** The CLI's choices that complete a manifest into a StartSpec. */
export interface ResolveStartOptions {
  /** By default, the manifest's only agent. */
  agent?: string | undefined;
  copyFrom?: string | undefined;
  prompt?: string | undefined;
  /** By default, a fresh `<agent>-<random>`; `resume` passes the existing one. */
  identity?: string | undefined;
  /** The host environment forwarded `${NAME}` values are read from. */
  env: Record<string, string | undefined>;
}

/** The agents a manifest defines, in manifest order: the picker's choices. */
export function agentNames(loaded: LoadedManifest): string[] {
  return Object.keys(loaded.manifest.agents);
}

function chooseAgent(loaded: LoadedManifest, agent: string | undefined): string {
  const names = agentNames(loaded);
  const where = loaded.file === BUILT_IN ? "the built-in manifest" : loaded.file;
  if (agent !== undefined) {
    if (names.includes(agent)) return agent;
    throw new UsageError(`no agent "${agent}" in ${where}`, `agents: ${names.join(", ")}`);
  }
  if (names.length === 1) return names[0]!;
  throw new UsageError(
    `${where} defines ${names.length} agents (${names.join(", ")}): name one`,
    "pass AGENT, as in `bottle start AGENT`, or run `bottle` on a terminal to pick",
  );
}

/**
 * Completes a loaded manifest with the CLI's choices into the StartSpec a backend
 * prepares. Host variables forwarded by `${NAME}` must be set now: an agent that
 * silently starts without its token fails later, far from the cause. Only names are
 * kept for forwarded variables; their values stay in the host environment.
 */
export function resolveStart(loaded: LoadedManifest, options: ResolveStartOptions): StartSpec {
  const agentName = chooseAgent(loaded, options.agent);
  const agent = loaded.manifest.agents[agentName]!;
  const bottle = loaded.manifest.bottles[agent.bottle];
  if (bottle === undefined) {
    // parseManifest guarantees this; a hand-built manifest may not.
    throw new BottleError(`agent "${agentName}" uses bottle "${agent.bottle}", which is not defined`);
  }
  const literal: Record<string, string> = {};
  const forwarded: ForwardedEnv[] = [];
  for (const [key, value] of Object.entries(agent.env)) {
    const name = forwardedName(value);
    if (name === undefined) {
      literal[key] = value;
      continue;
    }
    if (options.env[name] === undefined) {
      const where = loaded.file === BUILT_IN ? "the built-in manifest" : loaded.file;
      throw new BottleError(`host variable ${name} is not set (agent "${agentName}" forwards it as env ${key} in ${where})`, {
        hint: `export ${name}=… before starting, or remove ${key} from the agent's env`,
      });
    }
    forwarded.push({ key, from: name });
  }
  const inDir = (path: string) => (isAbsolute(path) ? path : join(loaded.dir, path));
  return {
    identity: options.identity ?? mintIdentity(agentName),
    agentName,
    agent: agent.prompt_file === undefined ? agent : { ...agent, prompt: readPromptFile(inDir(agent.prompt_file), agentName, loaded.file) },
    bottleName: agent.bottle,
    bottle,
    manifestFile: loaded.file,
    manifestDir: loaded.dir,
    image: imageSource(agent.image, inDir),
    skills: agent.skills.map(inDir),
    copyFrom: options.copyFrom,
    prompt: options.prompt,
    env: { literal, forwarded },
    routeSecrets: routeSecretNames(bottle.egress),
  };
}

/**
 * An agent's `prompt_file`, read once as the spec is resolved: what follows only sees
 * `agent.prompt`, as if the manifest had written the text inline. A file that cannot be
 * read stops the start here, named, rather than starting an agent without its task.
 */
function readPromptFile(path: string, agentName: string, manifestFile: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new BottleError(`agent "${agentName}" has prompt_file ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      hint: `create it, or fix prompt_file in ${manifestFile} (relative paths are from the manifest's folder)`,
    });
  }
  if (text.trim() === "") throw new BottleError(`agent "${agentName}" has prompt_file ${path}, which is empty`, { hint: "write the first prompt into it, or remove prompt_file" });
  return text.replace(/\n+$/, "");
}

/** The agent's image with its paths resolved: a Dockerfile's context is, by default, its folder. */
function imageSource(image: AgentConfig["image"], inDir: (path: string) => string): AgentImageSource {
  if (image === "default") return { kind: "default" };
  if (typeof image === "string") return { kind: "ref", ref: image };
  const dockerfile = inDir(image.dockerfile);
  return { kind: "dockerfile", dockerfile, context: image.context === undefined ? join(dockerfile, "..") : inDir(image.context) };
}

/**
 * Host variables a bottle's routes inject (`${NAME}` in `inject.value`) that are not
 * set here. The gate reads them at start; the picker checks them before asking to
 * start, so a missing token is named before anything runs, not after.
 */
export function missingRouteSecrets(spec: Pick<StartSpec, "bottle">, env: Record<string, string | undefined>): string[] {
  return routeSecretNames(spec.bottle.egress).filter((name) => env[name] === undefined || env[name] === "");
}

/** {@link missingRouteSecrets} as the error a start stops with: the variables, and how to set them. */
export function requireRouteSecrets(spec: Pick<StartSpec, "bottle" | "bottleName">, env: Record<string, string | undefined>): void {
  const missing = missingRouteSecrets(spec, env);
  if (missing.length === 0) return;
  throw new BottleError(`bottle "${spec.bottleName}" routes inject ${missing.join(", ")}, which ${missing.length === 1 ? "is" : "are"} not set on the host`, {
    hint: `export ${missing[0]}=… (for Claude: \`claude setup-token\` prints a CLAUDE_CODE_OAUTH_TOKEN), or remove the route`,
  });
}
