import { join } from "node:path";
import { BottleError } from "../../core/errors.ts";
import { readJson } from "../../core/state.ts";
import type { Backend, BackendDeps } from "../types.ts";
import { agentCommand } from "../agent/agent-command.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { WORKSPACE } from "./launch-commands.ts";

/** A bottle's docker plan from its state folder; a clear error when there is none. */
export async function readDetails(identity: string, deps: BackendDeps): Promise<DockerDetails> {
  const details = await readJson<DockerDetails>(join(deps.paths.bottleState(identity), "docker.json"));
  if (details === undefined) throw new BottleError(`no docker bottle ${identity}`, { hint: "`bottle list` shows the bottles there are" });
  return details;
}

/** Opens another session on a running bottle's agent (`docker exec -it`). */
export const attach: Backend["attach"] = async (identity, deps) => {
  const details = await readDetails(identity, deps);
  const running = await deps.runner.run(["docker", "inspect", "--format", "{{.State.Running}}", details.names.agent], { check: false });
  if (running.stdout.trim() !== "true") {
    throw new BottleError(`${identity} is not running`, { hint: `bring it back with \`bottle resume ${identity}\`` });
  }
  const image = await deps.runner.run(["docker", "image", "inspect", "--format", "{{json .Config.Entrypoint}}\t{{json .Config.Cmd}}\t{{json .Config.User}}", details.agentImage.ref]);
  const [entrypoint = "null", cmd = "null", user = '""'] = image.stdout.trim().split("\t");
  const command = agentCommand(details.command, { entrypoint: JSON.parse(entrypoint), cmd: JSON.parse(cmd) });
  const asUser = JSON.parse(user) === "" ? [] : ["--user", JSON.parse(user) as string];
  const tty = process.stdin.isTTY ? ["--tty"] : [];
  const result = await deps.runner.run(["docker", "exec", "--interactive", ...tty, "--workdir", WORKSPACE, ...asUser, details.names.agent, ...command], {
    stdio: "inherit",
    stdin: "inherit",
    check: false,
    signal: deps.signal,
  });
  return result.exitCode;
};
