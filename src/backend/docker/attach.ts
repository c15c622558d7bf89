import { BottleError } from "../../core/errors.ts";
import { bottleFiles } from "../../core/paths.ts";
import { readJson } from "../../core/state.ts";
import type { AgentRecord, Backend, BackendDeps } from "../types.ts";
import { inspectImage } from "../images/ensure-agent-image.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { WORKSPACE } from "./launch-commands.ts";

/** A bottle's docker plan from its state folder; a clear error when there is none. */
export async function readDetails(identity: string, deps: BackendDeps): Promise<DockerDetails> {
  const details = await readJson<DockerDetails>(bottleFiles(deps.paths.bottleState(identity)).details("docker"));
  if (details === undefined) throw new BottleError(`no docker bottle ${identity}`, { hint: "`bottle list` shows the bottles there are" });
  return details;
}

/** Opens another session on a running bottle's agent (`docker exec -it`), with the command launch recorded. */
export const attach: Backend<DockerDetails>["attach"] = async (identity, deps) => {
  const details = await readDetails(identity, deps);
  const [running, record, image] = await Promise.all([
    deps.runner.run(["docker", "inspect", "--format", "{{.State.Running}}", details.names.agent], { check: false }),
    readJson<AgentRecord>(bottleFiles(deps.paths.bottleState(identity)).agent),
    inspectImage(deps.runner, details.agentImage.ref),
  ]);
  if (running.stdout.trim() !== "true" || record === undefined) {
    throw new BottleError(`${identity} is not running`, { hint: `bring it back with \`bottle resume ${identity}\`` });
  }
  const user = image?.user ?? "";
  const asUser = user === "" ? [] : ["--user", user];
  const tty = process.stdin.isTTY ? ["--tty"] : [];
  const result = await deps.runner.run(["docker", "exec", "--interactive", ...tty, "--workdir", WORKSPACE, ...asUser, details.names.agent, ...record.command], {
    stdio: "inherit",
    stdin: "inherit",
    check: false,
    signal: deps.signal,
  });
  return result.exitCode;
};
