import * as v from "valibot";
import { agentHome } from "../agent/agent-home.ts";
import { inspectImage, type ImageConfig } from "../images/ensure-agent-image.ts";
import { imagePresent } from "../images/image-commands.ts";
import type { BackendDeps } from "../types.ts";
import { engineInfo, type EngineInfo } from "./engine-info.ts";
import { engineLocation, engineLocationOf, type EngineLocation } from "./engine-location.ts";
import { engineAnswer, engineApi, engineQuery, type EngineApi } from "./engine-query.ts";

/** What a start asks the engine before it makes anything, whichever way it is asked. */
export interface EngineQuestions {
  /** Its runtimes and where it is (`docker info` twice and `docker context inspect`; one `GET /info`). */
  engine(): Promise<{ info: EngineInfo; location: EngineLocation }>;
  /** Every container name in use (`docker ps --all`). */
  containerNames(): Promise<Set<string>>;
  /** True when the engine has the image. */
  imagePresent(ref: string): Promise<boolean>;
  /** The image's config, or undefined when the engine lacks it. */
  imageConfig(ref: string): Promise<ImageConfig | undefined>;
}

/** `GET /info`: the fields prepare reads (Docker 20.10.24, API 1.41; the same names since 1.24). */
const Info = v.looseObject({
  Runtimes: v.record(v.string(), v.unknown()),
  OperatingSystem: v.string(),
  SecurityOptions: v.nullish(v.array(v.string()), []),
});
/** `GET /containers/json?all=1`: each container's names, with their leading `/`. */
const Names = v.array(v.looseObject({ Names: v.nullish(v.array(v.string()), []) }));
const strings = v.nullish(v.array(v.string()), null);
/** `GET /images/{ref}/json`: the config the agent's command and home come from (`Config` is null in an image with none). */
const Image = v.looseObject({
  Id: v.string(),
  Config: v.nullish(v.looseObject({ Entrypoint: strings, Cmd: strings, User: v.nullish(v.string(), ""), Env: strings }), null),
});
/** A reference the API takes as a path as it is, as the docker CLI sends it; any other is left to the CLI. */
const PLAIN_REF = /^[A-Za-z0-9][A-Za-z0-9._\/:@-]*$/;

/** The docker CLI's answers: what a host without a reachable socket (or a test's recorder) is asked. */
function cliQuestions(deps: BackendDeps): EngineQuestions {
  const { runner } = deps;
  return {
    engine: async () => {
      const [info, location] = await Promise.all([engineInfo(runner), engineLocation(runner)]);
      return { info, location };
    },
    async containerNames() {
      const listed = await runner.run(["docker", "ps", "--all", "--format", "{{.Names}}"]);
      return new Set(listed.stdout.split("\n").filter((name) => name !== ""));
    },
    imagePresent: (ref) => imagePresent(runner, ref),
    // No docker CLI at all: plans still resolve; launch then says what is missing.
    imageConfig: (ref) => inspectImage(runner, ref).catch(() => undefined),
  };
}

/** The Engine API's answers on its socket: the same facts, validated, with no process per question. */
function apiQuestions(api: EngineApi): EngineQuestions {
  const image = async (ref: string) => {
    if (!PLAIN_REF.test(ref)) throw new Error(`not a plain image reference: ${ref}`);
    return engineQuery(api, `/images/${ref}/json`, Image, { missing: [404] });
  };
  return {
    async engine() {
      const info = await engineAnswer(api, "/info", Info);
      return {
        info: { runtimes: Object.keys(info.Runtimes) },
        location: engineLocationOf(api.context, `unix://${api.socket}`, info.OperatingSystem, info.SecurityOptions),
      };
    },
    async containerNames() {
      const containers = await engineAnswer(api, "/containers/json?all=1", Names);
      // Every name a container answers to is taken (`docker ps` prints all but legacy links).
      return new Set(containers.flatMap((container) => container.Names.map((name) => name.replace(/^\//, "")).filter((name) => !name.includes("/"))));
    },
    imagePresent: async (ref) => (await image(ref)) !== undefined,
    async imageConfig(ref) {
      const found = await image(ref);
      if (found === undefined) return undefined;
      const user = found.Config?.User ?? "";
      return { entrypoint: found.Config?.Entrypoint ?? null, cmd: found.Config?.Cmd ?? null, user, home: agentHome(user, found.Config?.Env ?? []) };
    },
  };
}

/**
 * Prepare's questions of the engine. Where the engine is a local one the CLI would
 * reach on a unix socket (and the caller can ask sockets: the real CLI, not a test's
 * recorder), they go to its API, each question falling back to the docker CLI when
 * the socket fails or answers what bottle does not read, so the CLI's error (the
 * engine is down) is still the one people see. Elsewhere (tcp, ssh), the CLI.
 */
export function engineQuestions(deps: BackendDeps): EngineQuestions {
  const cli = cliQuestions(deps);
  const local = engineApi(deps);
  if (local === undefined) return cli;
  const api = apiQuestions(local);
  const orCli = <A extends unknown[], R>(ask: (...args: A) => Promise<R>, fallback: (...args: A) => Promise<R>) =>
    (...args: A) => ask(...args).catch(() => fallback(...args));
  return {
    engine: orCli(api.engine, cli.engine),
    containerNames: orCli(api.containerNames, cli.containerNames),
    imagePresent: orCli(api.imagePresent, cli.imagePresent),
    imageConfig: orCli(api.imageConfig, cli.imageConfig),
  };
}
