import { bottleLabels, LABEL, labelArgs } from "../../core/labels.ts";
import { GATE_CONFIG_MOUNT, GATE_PORT } from "../gate-runtime/gate-config.ts";
import { GUEST_ENV_FILE, HOST_GATEWAY, SKILLS_MOUNT, SMOL_OWNER_LABEL, type SmolDetails, WORKSPACE } from "./smol-plan.ts";

/** The engine and smolvm commands of a smolmachines bottle, each with the one that undoes it. */
export interface SmolCommands {
  gate: { create: string[]; port: string[]; remove: string[] };
  machine: { create: string[]; start: string[]; stop: string[]; remove: string[] };
}

/**
 * The exact argv launch runs, also shown by `bottle plan` (where the agent env names
 * the gate's port `<gate-port>`: Docker publishes it only when the gate starts).
 * Secrets appear as `--env NAME` for the gate only; the guest never gets one on argv.
 */
export function smolCommands(details: SmolDetails, identity: string, artifact: string): SmolCommands {
  const env = Object.entries(details.agentEnv);
  return {
    gate: {
      create: [
        "docker", "run", "--detach", "--name", details.gate,
        ...labelArgs({ ...bottleLabels(identity, "gate"), [SMOL_OWNER_LABEL]: details.owner }),
        "--user", details.gateUser,
        "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--read-only",
        // Loopback only: the guest reaches it through 100.96.0.1, nothing off the host can.
        "--publish", `127.0.0.1::${GATE_PORT}`,
        "--volume", `${details.gateConfigPath}:${GATE_CONFIG_MOUNT}:ro`,
        ...details.gateSecrets.flatMap((name) => ["--env", name]),
        details.gateImage.ref,
        "--config", GATE_CONFIG_MOUNT,
      ],
      port: ["docker", "port", details.gate, `${GATE_PORT}/tcp`],
      remove: ["docker", "rm", "--force", details.gate],
    },
    machine: {
      create: [
        "smolvm", "machine", "create", "--from", artifact, "--name", details.machine,
        // Opens every host-loopback port to the guest (the README says so); only the gate listens for it.
        "--allow-cidr", `${HOST_GATEWAY}/32`,
        ...env.flatMap(([key, value]) => ["-e", `${key}=${value}`]),
        "-v", `${details.workspace}:${WORKSPACE}`,
        ...(details.skills.length > 0 ? ["-v", `${details.skillsDir}:${SKILLS_MOUNT}:ro`] : []),
        ...(details.cpus === undefined ? [] : ["--cpus", String(details.cpus)]),
        ...(details.memMib === undefined ? [] : ["--mem", String(details.memMib)]),
        ...labelArgs({ ...bottleLabels(identity, "agent"), [LABEL.owner]: details.owner }),
      ],
      start: ["smolvm", "machine", "start", "--name", details.machine],
      stop: ["smolvm", "machine", "stop", "--name", details.machine],
      remove: ["smolvm", "machine", "delete", "--name", details.machine, "-f"],
    },
  };
}

/** `smolvm machine exec` of a command in the guest, with the agent's env file sourced first. */
export function guestExec(machine: string, command: readonly string[], options: { interactive?: boolean; tty?: boolean; workdir?: string } = {}): string[] {
  return [
    "smolvm", "machine", "exec", "--name", machine,
    ...(options.interactive ? ["-i"] : []),
    ...(options.tty ? ["-t"] : []),
    ...(options.workdir === undefined ? [] : ["-w", options.workdir]),
    "--",
    // Secrets reach the agent from a 0600 file in the guest, never from argv.
    "sh", "-c", `f=${GUEST_ENV_FILE}; if [ -r "$f" ]; then set -a; . "$f"; set +a; fi; exec "$@"`, "bottle-agent",
    ...command,
  ];
}
