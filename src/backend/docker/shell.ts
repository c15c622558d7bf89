import { BottleError } from "../../core/errors.ts";
import { bottleLabels, LABEL, labelArgs } from "../../core/labels.ts";
import type { Backend } from "../types.ts";
import { readDetails } from "./attach.ts";
import { agentImageConfig, agentRunning, keptVolumes } from "./copy.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { WORKSPACE } from "./launch-commands.ts";

/** By default, bash where the image has it, else sh: what a person expects at a prompt. */
export const SHELL_SCRIPT = "if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi";

/**
 * A shell (or a command) in a running bottle's agent container, as the agent's user,
 * in the workspace, with the agent's environment (proxies to the gate included).
 */
export const shell: Backend<DockerDetails>["shell"] = async (identity, deps, options) => {
  const details = await readDetails(identity, deps);
  const running = await agentRunning(deps, details);
  if (!running && !(options.workspaceOnly && options.command !== undefined)) {
    throw new BottleError(`${identity} is not running`, { hint: `bring it back with \`bottle resume ${identity} --detach\`` });
  }
  const image = await agentImageConfig(deps, details);
  const user = image.user;
  const tty = options.tty ?? Boolean(process.stdin.isTTY);
  const command = options.command ?? ["sh", "-c", SHELL_SCRIPT];
  if (!running) {
    // A stopped bottle's kept volumes (workspace, home), in a throwaway container of its
    // own image: no network, no capabilities, removed when the command ends.
    const [program = "sh", ...args] = command;
    const result = await deps.runner.run(
      [
        "docker", "run", "--rm", "--interactive", ...(tty ? ["--tty"] : []),
        ...labelArgs({ ...bottleLabels(identity, "volume"), [LABEL.owner]: details.owner }),
        "--network", "none", "--security-opt", "no-new-privileges", "--cap-drop", "ALL",
        ...keptVolumes(details, image), "--workdir", WORKSPACE,
        ...(user === "" ? [] : ["--user", user]),
        "--entrypoint", program, details.agentImage.ref, ...args,
      ],
      { stdio: "inherit", stdin: "inherit", check: false, signal: deps.signal },
    );
    return result.exitCode;
  }
  const result = await deps.runner.run(
    ["docker", "exec", "--interactive", ...(tty ? ["--tty"] : []), "--workdir", WORKSPACE, ...(user === "" ? [] : ["--user", user]), details.names.agent, ...command],
    { stdio: "inherit", stdin: "inherit", check: false, signal: deps.signal },
  );
  return result.exitCode;
};
