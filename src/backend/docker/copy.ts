import { BottleError } from "../../core/errors.ts";
import { bottleLabels, LABEL, labelArgs } from "../../core/labels.ts";
import { inspectImage, type ImageConfig } from "../images/ensure-agent-image.ts";
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

/** The agent image's config (its USER and home); a clear error when the engine no longer has it. */
export async function agentImageConfig(deps: BackendDeps, details: DockerDetails): Promise<ImageConfig> {
  const image = await inspectImage(deps.runner, details.agentImage.ref);
  if (image === undefined) {
    throw new BottleError(`the agent image ${details.agentImage.ref} is not in the engine any more`, { hint: "`bottle resume` builds it again" });
  }
  return image;
}

/** The uid:gid the agent runs as in its running container (the image's USER), or undefined for root. */
async function agentOwner(deps: BackendDeps, details: DockerDetails, user: string): Promise<string | undefined> {
  if (user === "" || user === "0" || user === "root") return undefined;
  const who = await deps.runner.run(["docker", "exec", "--user", user, details.names.agent, "sh", "-c", "id -u; id -g"]);
  const [uid = "", gid = ""] = who.stdout.trim().split("\n");
  return /^\d+$/.test(uid) && /^\d+$/.test(gid) && uid !== "0" ? `${uid}:${gid}` : undefined;
}

/** The `--volume` flags that put a stopped bottle's kept work where its agent saw it: workspace and home. */
export function keptVolumes(details: DockerDetails, image: ImageConfig): string[] {
  return ["--volume", `${details.names.workspace}:${WORKSPACE}`, "--volume", `${details.names.home}:${image.home}`];
}

/**
 * A container that only holds a stopped bottle's kept volumes (a stopped bottle has no
 * containers; its volumes stay), for `docker cp` to read from. Never started. Labelled
 * as the bottle's, so `bottle rm` and `cleanup` find it if this CLI dies meanwhile.
 */
async function withVolumeHolder<T>(deps: BackendDeps, identity: string, details: DockerDetails, image: ImageConfig, use: (container: string) => Promise<T>): Promise<T> {
  const created = await deps.runner.run([
    "docker", "container", "create",
    ...labelArgs({ ...bottleLabels(identity, "volume"), [LABEL.owner]: details.owner }),
    "--network", "none", ...keptVolumes(details, image),
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
 * edit). Out of a stopped bottle, its workspace and home are still there to copy from.
 */
export const copy: Backend<DockerDetails>["copy"] = async (identity, deps, request) => {
  const details = await readDetails(identity, deps);
  const path = bottlePath(request.bottlePath, WORKSPACE);
  const [running, image] = await Promise.all([agentRunning(deps, details), agentImageConfig(deps, details)]);
  if (request.direction === "out") {
    if (running) {
      await deps.runner.run(["docker", "cp", `${details.names.agent}:${path}`, request.hostPath], { signal: deps.signal });
      return;
    }
    if (!insideWorkspace(path, WORKSPACE) && !insideWorkspace(path, image.home)) {
      throw new BottleError(`${identity} is stopped: only its workspace (${WORKSPACE}) and home (${image.home}) are kept, not ${path}`, {
        hint: `copy from ${WORKSPACE}/… or ${image.home}/…, or \`bottle resume ${identity}\` first`,
      });
    }
    await withVolumeHolder(deps, identity, details, image, (container) =>
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
  const owner = await agentOwner(deps, details, image.user);
  if (owner !== undefined) await deps.runner.run(["docker", "exec", "--user", "0", details.names.agent, "chown", "-R", owner, landed]);
};
