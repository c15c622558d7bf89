import { BottleError } from "../../core/errors.ts";
import { bottleLabels, LABEL, labelArgs } from "../../core/labels.ts";
import { bottlePath, copySource, insideWorkspace } from "../transfer/copy-source.ts";
import type { Backend, BackendDeps } from "../types.ts";
import { readDetails } from "./attach.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { WORKSPACE } from "./launch-commands.ts";

/** True when the bottle's agent container is up. */
export async function agentRunning(deps: BackendDeps, details: DockerDetails): Promise<boolean> {
  const state = await deps.runner.run(["docker", "inspect", "--format", "{{.State.Running}}", details.names.agent], { check: false });
  return state.stdout.trim() === "true";
}

/** The uid:gid the agent runs as in its container (the image's USER), or undefined for root. */
export async function agentOwner(deps: BackendDeps, details: DockerDetails): Promise<string | undefined> {
  const image = await deps.runner.run(["docker", "image", "inspect", "--format", "{{json .Config.User}}", details.agentImage.ref]);
  const user = JSON.parse(image.stdout.trim() || '""') as string;
  if (user === "" || user === "0" || user === "root") return undefined;
  const who = await deps.runner.run(["docker", "exec", "--user", user, details.names.agent, "sh", "-c", "id -u; id -g"]);
  const [uid = "", gid = ""] = who.stdout.trim().split("\n");
  return /^\d+$/.test(uid) && /^\d+$/.test(gid) && uid !== "0" ? `${uid}:${gid}` : undefined;
}

/**
 * A container that holds nothing but the workspace volume of a stopped bottle, for
 * `docker cp` to read from (a stopped bottle has no containers; its volume stays).
 * Labelled as the bottle's, so `bottle rm` and `cleanup` find it if this CLI dies.
 */
async function withWorkspaceHolder<T>(deps: BackendDeps, identity: string, details: DockerDetails, use: (container: string) => Promise<T>): Promise<T> {
  const created = await deps.runner.run([
    "docker", "container", "create",
    ...labelArgs({ ...bottleLabels(identity, "volume"), [LABEL.owner]: details.owner }),
    "--network", "none", "--volume", `${details.names.workspace}:${WORKSPACE}`,
    details.agentImage.ref,
  ]);
  const container = created.stdout.trim();
  try {
    return await use(container);
  } finally {
    await deps.runner.run(["docker", "rm", "--force", container], { check: false });
  }
}

/**
 * `docker cp` between the host and the agent container. Into a bottle, the copy is
 * then handed to the agent's user (docker cp makes it root's, which the agent could not
 * edit). Out of a stopped bottle, its workspace is still there to copy from.
 */
export const copy: Backend["copy"] = async (identity, deps, request) => {
  const details = await readDetails(identity, deps);
  const path = bottlePath(request.bottlePath, WORKSPACE);
  const running = await agentRunning(deps, details);
  if (request.direction === "out") {
    if (running) {
      await deps.runner.run(["docker", "cp", `${details.names.agent}:${path}`, request.hostPath], { signal: deps.signal });
      return;
    }
    if (!insideWorkspace(path, WORKSPACE)) {
      throw new BottleError(`${identity} is stopped: only its workspace (${WORKSPACE}) is kept, not ${path}`, {
        hint: `copy from ${WORKSPACE}/…, or \`bottle resume ${identity}\` first`,
      });
    }
    await withWorkspaceHolder(deps, identity, details, (container) =>
      deps.runner.run(["docker", "cp", `${container}:${path}`, request.hostPath], { signal: deps.signal }),
    );
    return;
  }
  if (!running) {
    throw new BottleError(`${identity} is not running: copying into it needs it running`, { hint: `\`bottle resume ${identity} --detach\` first` });
  }
  // Where the copy lands (docker cp's rule): inside an existing folder, or as the path itself.
  const isDir = await deps.runner.run(["docker", "exec", details.names.agent, "test", "-d", path], { check: false });
  const source = copySource(request.hostPath);
  const landed = isDir.exitCode === 0 && source.base !== "." ? `${path.replace(/\/\.$/, "")}/${source.base}` : path.replace(/\/\.$/, "");
  await deps.runner.run(["docker", "cp", request.hostPath, `${details.names.agent}:${path}`], { signal: deps.signal });
  const owner = await agentOwner(deps, details);
  if (owner !== undefined) await deps.runner.run(["docker", "exec", "--user", "0", details.names.agent, "chown", "-R", owner, landed]);
};
