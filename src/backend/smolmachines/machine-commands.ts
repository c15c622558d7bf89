import { bottleLabels, LABEL, labelArgs } from "../../core/labels.ts";
import { bottleFiles } from "../../core/paths.ts";
import { agentEnv, PLANNED_PORT } from "../agent/agent-env.ts";
import { AGENT_TRUST_ENV } from "../../gate/tls/agent-trust.ts";
import { agentGitEnv } from "../../gate/services/git/plan-git-gate.ts";
import { inspectsTls } from "../../manifest/tls-schema.ts";
import { GATE_CONFIG_MOUNT, GATE_CONTAINER_LIMITS, GATE_CONTROL_PORT, GATE_PORT, gateMounts, gateVolumeArgs } from "../gate-runtime/gate-config.ts";
import { SUPERVISE_TOKEN_ENV } from "../../gate/services/supervise/supervise-config.ts";
import { SUPERVISE_URL_ENV } from "../../gate/services/supervise/supervise-plan.ts";
import { superviseSettings } from "../../manifest/supervise-schema.ts";
import type { StartSpec } from "../types.ts";
import { GUEST_CA_BUNDLE, GUEST_ENV_FILE, HOST_GATEWAY, SKILLS_MOUNT, type SmolAtLaunch, type SmolDetails, type SmolPlanned, WORKSPACE } from "./smol-plan.ts";

/**
 * Whether the guest needs the gate's control port (published beside the proxy's): the
 * git gate serves `/git/` there and supervise `/mcp`.
 */
export function publishesControlPort(details: SmolDetails, spec: StartSpec): boolean {
  return superviseSettings(spec.bottle.supervise).enabled || details.git.repos.length > 0;
}

/** The gate's commands: they need nothing only launch knows. */
export function gateCommands(details: SmolDetails, spec: StartSpec, stateDir: string) {
  // Supervise: the requests folder and the token by name. The git gate: its mounts, its tokens by name.
  const supervise = superviseSettings(spec.bottle.supervise).enabled;
  const git = details.git.repos.length > 0;
  return {
    create: [
      "docker", "run", "--detach", "--name", details.gate,
      ...labelArgs({ ...bottleLabels(spec.identity, "gate"), [LABEL.smolmachinesOwner]: details.owner }),
      "--user", details.gateUser,
      "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--read-only",
      ...GATE_CONTAINER_LIMITS,
      // Loopback only: the guest reaches it through 100.96.0.1, nothing off the host can.
      "--publish", `127.0.0.1::${GATE_PORT}`,
      ...(publishesControlPort(details, spec) ? ["--publish", `127.0.0.1::${GATE_CONTROL_PORT}`] : []),
      ...gateVolumeArgs(gateMounts(stateDir, { supervise, git: details.git })),
      // The git gate's git and its hook need a writable /tmp in the read-only root, where
      // the hook can run: docker mounts a tmpfs noexec by default, and git skips a hook it cannot run.
      ...(git ? ["--tmpfs", "/tmp:rw,exec,nosuid,nodev,mode=1777"] : []),
      ...spec.routeSecrets.flatMap((name) => ["--env", name]),
      ...details.git.secretNames.flatMap((name) => ["--env", name]),
      ...(supervise ? ["--env", SUPERVISE_TOKEN_ENV] : []),
      details.gateImage.ref,
      "--config", GATE_CONFIG_MOUNT,
    ],
    port: ["docker", "port", details.gate, `${GATE_PORT}/tcp`],
    controlPort: ["docker", "port", details.gate, `${GATE_CONTROL_PORT}/tcp`],
    remove: ["docker", "rm", "--force", details.gate],
  };
}

/**
 * The machine's commands, given what launch found: the gate's port, the artifact and
 * the agent's home. The guest gets no secret on argv: forwarded values go to its env
 * file over stdin.
 */
export function machineCommands(details: SmolDetails, spec: StartSpec, stateDir: string, atLaunch: SmolAtLaunch | SmolPlanned) {
  const files = bottleFiles(stateDir);
  // With inspection (by default) provisioning installs the bottle's CA, so every client is pointed at the bundle holding it.
  const env = Object.entries(guestTrust(agentEnv(spec, HOST_GATEWAY, atLaunch.gatePort, { trustsGateCa: inspectsTls(spec.bottle.egress) })));
  // Not a secret (the token goes to the env file): beside the proxy variables.
  if ("superviseUrl" in atLaunch && atLaunch.superviseUrl !== undefined) env.push([SUPERVISE_URL_ENV, atLaunch.superviseUrl]);
  // The git gate: each upstream rewritten to the gate's control port (NO_PROXY already exempts 100.96.0.1).
  if (atLaunch.controlPort !== undefined) {
    const control = `http://${HOST_GATEWAY}:${atLaunch.controlPort === PLANNED_PORT ? "<control-port>" : atLaunch.controlPort}`;
    env.push(...Object.entries(agentGitEnv(details.git, control)));
  }
  return {
    create: [
      "smolvm", "machine", "create", "--from", atLaunch.artifact, "--name", details.machine,
      // Opens every host-loopback port to the guest (the README says so); only the gate listens for it.
      "--allow-cidr", `${HOST_GATEWAY}/32`,
      ...env.flatMap(([key, value]) => ["-e", `${key}=${value}`]),
      "-v", `${files.workspace}:${WORKSPACE}`,
      "-v", `${files.home}:${atLaunch.agentHome}`, "-e", `HOME=${atLaunch.agentHome}`,
      ...(spec.skills.length > 0 ? ["-v", `${files.skills}:${SKILLS_MOUNT}:ro`] : []),
      ...(details.cpus === undefined ? [] : ["--cpus", String(details.cpus)]),
      ...(details.memMib === undefined ? [] : ["--mem", String(details.memMib)]),
      ...labelArgs({ ...bottleLabels(spec.identity, "agent"), [LABEL.owner]: details.owner }),
    ],
    start: ["smolvm", "machine", "start", "--name", details.machine],
    stop: ["smolvm", "machine", "stop", "--name", details.machine],
    remove: ["smolvm", "machine", "delete", "--name", details.machine, "-f"],
  };
}

/**
 * The agent's env with its trust variables naming the guest's own bundle instead of
 * the system one: `machine exec` may not run as root, who alone can write that (see
 * `TRUST_GUEST_CA_SCRIPT`). A value the manifest set itself is the manifest's.
 */
function guestTrust(env: Record<string, string>): Record<string, string> {
  const out = { ...env };
  for (const [key, value] of Object.entries(AGENT_TRUST_ENV)) if (out[key] === value) out[key] = GUEST_CA_BUNDLE;
  return out;
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
