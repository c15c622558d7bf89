import { LABEL } from "../../core/labels.ts";
import { failure, type Runner } from "../../core/runner.ts";

/** One engine object of some bottle, found by label. */
export interface EngineObject {
  kind: "container" | "network" | "volume";
  name: string;
  identity: string;
  role: string;
  /** Containers: `running`, `exited`, `created`…; empty for networks and volumes. */
  state: string;
}

const FORMAT = `{{.Names}}\t{{.Label "${LABEL.identity}"}}\t{{.Label "${LABEL.role}"}}\t{{.State}}`;
const NAMED = (field: string) => `{{.${field}}}\t{{.Label "${LABEL.identity}"}}\t{{.Label "${LABEL.role}"}}\t`;

function parse(kind: EngineObject["kind"], stdout: string): EngineObject[] {
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [name = "", identity = "", role = "", state = ""] = line.split("\t");
      return { kind, name, identity, role, state };
    });
}

/**
 * Every container, network and volume labelled as belonging to a bottle of `owner`
 * (this CLI's state folder), optionally one identity. A label query, never name
 * matching: a user's own `claude-…` container is not ours to touch.
 */
export async function findEngineObjects(
  runner: Runner,
  owner: string,
  identity?: string,
  kinds: readonly EngineObject["kind"][] = ["container", "network", "volume"],
): Promise<EngineObject[]> {
  const filters = ["--filter", `label=${LABEL.owner}=${owner}`, "--filter", identity === undefined ? `label=${LABEL.identity}` : `label=${LABEL.identity}=${identity}`];
  const query: Record<EngineObject["kind"], string[]> = {
    container: ["docker", "ps", "--all", "--no-trunc", ...filters, "--format", FORMAT],
    network: ["docker", "network", "ls", "--no-trunc", ...filters, "--format", NAMED("Name")],
    volume: ["docker", "volume", "ls", ...filters, "--format", NAMED("Name")],
  };
  const answers = await Promise.all(kinds.map((kind) => runner.run(query[kind]).then((result) => parse(kind, result.stdout))));
  return answers.flat();
}

/**
 * Removes objects in the order the engine accepts: containers (forced: a bottle being
 * reaped has no one to stop it gracefully for), then networks and volumes they used.
 * Objects already gone count as removed; anything else that fails is thrown.
 */
export async function removeEngineObjects(runner: Runner, objects: readonly EngineObject[]): Promise<void> {
  const names = (kind: EngineObject["kind"]) => objects.filter((object) => object.kind === kind).map((object) => object.name);
  const remove = async (argv: string[], targets: string[]) => {
    if (targets.length === 0) return;
    const result = await runner.run([...argv, ...targets], { check: false });
    // Docker 20.10's `network rm` ends a partial failure with its own "exit status 1" line:
    // that line is no cause of its own (a network the owner's teardown removed first is gone).
    const failed = result.stderr.split("\n").filter((line) => line.trim() !== "" && !/no such|not found|^exit status \d+$/i.test(line.trim()));
    if (result.exitCode !== 0 && failed.length > 0) throw failure(result);
  };
  await remove(["docker", "rm", "--force", "--volumes"], names("container"));
  await Promise.all([remove(["docker", "network", "rm"], names("network")), remove(["docker", "volume", "rm", "--force"], names("volume"))]);
}
