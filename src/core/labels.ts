import { VERSION } from "./version.ts";

/** The one place that knows bottle's engine label names, all of them. */
export const LABEL = {
  identity: "dev.bottle.identity",
  role: "dev.bottle.role",
  version: "dev.bottle.version",
  /**
   * The state folder of the CLI that made the object: `cleanup` reaps only its own, so
   * two users (or test runs) sharing an engine never remove each other's bottles.
   */
  owner: "dev.bottle.owner",
  /**
   * The owner label of a smolmachines gate container and registry. It is not `owner`:
   * the docker backend reaps every container with that label as one of its own bottles,
   * and these belong to a microVM bottle.
   */
  smolmachinesOwner: "dev.bottle.smolmachines.owner",
  /** `<pid>:<start>` of the CLI that started an ephemeral registry or a home-seed container (start: /proc's start time, or empty). */
  registryCreator: "dev.bottle.registry.creator",
  /**
   * On a gate image: the id of the bottle binary (or source tree) that built it. Only
   * images with this binary's id are pruned, never another checkout's.
   */
  gateBuilder: "dev.bottle.gate.builder",
} as const;

/** What an engine object is for; `cleanup` and `list` query by these. */
export type Role = "agent" | "gate" | "network" | "registry" | "volume" | "gate-image" | "home-seed";

/** The labels every engine object of a bottle carries. */
export function bottleLabels(identity: string, role: Role): Record<string, string> {
  return { [LABEL.identity]: identity, [LABEL.role]: role, [LABEL.version]: VERSION };
}

/** `--label k=v` pairs for `docker run`/`docker network create`. */
export function labelArgs(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([key, value]) => ["--label", `${key}=${value}`]);
}
