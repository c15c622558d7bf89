import { processAlive, processStart } from "../../core/live-marker.ts";
import { LABEL } from "../../core/labels.ts";
import type { BackendDeps, CleanupReport } from "../types.ts";

/**
 * The labels that tie a registry to the CLI starting it: its owner (the state folder, so
 * cleanup never touches another user's) and this process, so a registry outliving a
 * killed CLI can be told from one a running pack still needs. None without an owner.
 */
export function registryOwnerLabels(owner: string | undefined): Record<string, string> {
  if (owner === undefined) return {};
  return { [LABEL.smolmachinesOwner]: owner, [LABEL.registryCreator]: `${process.pid}:${processStart(process.pid) ?? ""}` };
}

/** The helper containers a launch makes for a moment and removes itself, unless its CLI is killed first. */
const HELPER_ROLES: ReadonlySet<string> = new Set(["registry", "home-seed"]);

/**
 * Removes this owner's ephemeral registries and home-seed containers whose CLI is gone.
 * A registry runs until removed (`--rm` acts only when it exits) and publishes a port
 * on host loopback, which every smolmachines guest can reach through `--allow-cidr
 * 100.96.0.1/32`; a seed container is created, never started, and would stay forever.
 */
export async function reapOrphanRegistries(deps: BackendDeps, options: { dryRun?: boolean } = {}): Promise<CleanupReport["removed"]> {
  const listed = await deps.runner.run(
    [
      "docker", "ps", "--all",
      "--filter", `label=${LABEL.smolmachinesOwner}=${deps.paths.state}`,
      "--format", `{{.Names}}\t{{.Label "${LABEL.registryCreator}"}}\t{{.Label "${LABEL.role}"}}`,
    ],
    { check: false },
  );
  if (listed.exitCode !== 0) return [];
  const orphans = listed.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("\t") as [string, string?, string?])
    .filter(([, , role = ""]) => HELPER_ROLES.has(role))
    .filter(([, creator = ""]) => {
      const [pid = "", start = ""] = creator.split(":");
      return !/^\d+$/.test(pid) || !processAlive(Number(pid), start === "" ? null : start);
    })
    .map(([name]) => name);
  if (orphans.length > 0 && !options.dryRun) await deps.runner.run(["docker", "rm", "--force", ...orphans], { check: false });
  return orphans.map((name) => ({ kind: "container" as const, name }));
}
