import { bottleLabels, LABEL, labelArgs, type Role } from "../../core/labels.ts";
import type { StartSpec } from "../types.ts";
import { GATE_CONFIG_MOUNT, GATE_CONTAINER_LIMITS, GATE_CONTROL_PORT } from "../gate-runtime/gate-config.ts";
import { SUPERVISE_PREFIX, SUPERVISE_TOKEN_ENV } from "../../gate/services/supervise/supervise-config.ts";
import { SUPERVISE_URL_ENV } from "../../gate/services/supervise/supervise-plan.ts";
import { superviseSettings } from "../../manifest/supervise-schema.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { gateFiles } from "./gate-files.ts";

/** Where the workspace is mounted in the agent container. */
export const WORKSPACE = "/workspace";

/** Values only launch knows, typed: `bottle plan` shows what it can (see `prepare`). */
export interface DockerAtLaunch {
  /** The agent user's home in its image, where the home volume is mounted. */
  agentHome: string;
  /** The bottle's own image, built from a Dockerfile a person approved (capability block); by default the plan's. */
  agentImageRef?: string;
}

function labels(details: DockerDetails, identity: string, role: Role): string[] {
  return labelArgs({ ...bottleLabels(identity, role), [LABEL.owner]: details.owner });
}

/** `docker network create` for one of a bottle's networks, on a given subnet. */
export function networkCreate(details: DockerDetails, identity: string, which: "internal" | "egress", subnet: string): string[] {
  // --internal: no route off the host; the gate is the agent's only way out. And no
  // address of the host's on its bridge: otherwise the bridge's gateway (and through it
  // every address of the host's) answers the agent, and any host service listening on
  // all addresses (sshd, a database, a dev server) is in reach without the gate. Docker
  // 20.10.24 gives an --internal bridge its gateway address unless told not to.
  const internal = which === "internal" ? ["--internal", "--opt", "com.docker.network.bridge.inhibit_ipv4=true"] : [];
  return ["docker", "network", "create", ...internal, "--subnet", subnet, ...labels(details, identity, "network"), details.names[which]];
}

/** The engine commands that create a bottle, each with the one that undoes it. */
export interface LaunchCommands {
  internal: { create: string[]; remove: string[] };
  egress: { create: string[]; remove: string[] };
  workspace: { create: string[]; remove: string[] };
  home: { create: string[]; remove: string[] };
  /**
   * On an engine that shares this host's files `create` runs the gate; on one that does
   * not, `create` only makes it, `volumes` come first, `copyIn` fills them, `start` runs it.
   */
  gate: { volumes: string[][]; create: string[]; copyIn: string[][]; start: string[] | undefined; connect: string[]; remove: string[] };
  agent: { create: string[]; remove: string[] };
}

/**
 * The exact argv of every engine command launch runs: one builder for launch itself,
 * `bottle plan` and the benchmark's hand-written floor. Secrets appear as `-e NAME`
 * only; their values travel in the docker client's environment.
 */
export function launchCommands(details: DockerDetails, spec: StartSpec, stateDir: string, atLaunch: DockerAtLaunch): LaunchCommands {
  const { names } = details;
  const identity = spec.identity;
  const runtime = details.runtime === "runc" ? [] : ["--runtime", details.runtime];
  // Supervise: the token by name to both (its value is minted per launch), the URL to the agent.
  const supervise = superviseSettings(spec.bottle.supervise).enabled;
  const superviseToken = supervise ? ["--env", SUPERVISE_TOKEN_ENV] : [];
  const superviseUrl = supervise ? ["--env", `${SUPERVISE_URL_ENV}=http://${names.gate}:${GATE_CONTROL_PORT}${SUPERVISE_PREFIX}`] : [];
  const files = gateFiles(details, identity, stateDir, { supervise, git: details.git });
  const volume = (name: string) => ({
    create: ["docker", "volume", "create", ...labels(details, identity, "volume"), name],
    remove: ["docker", "volume", "rm", "--force", name],
  });
  return {
    internal: {
      create: networkCreate(details, identity, "internal", details.subnets.internal),
      remove: ["docker", "network", "rm", names.internal],
    },
    egress: {
      create: networkCreate(details, identity, "egress", details.subnets.egress),
      remove: ["docker", "network", "rm", names.egress],
    },
    workspace: volume(names.workspace),
    home: volume(names.home),
    gate: {
      volumes: files.volumes.map((name) => volume(name).create),
      create: [
        "docker", ...(files.copyIn.length === 0 ? ["run", "--detach"] : ["create"]), "--name", names.gate,
        "--network", names.egress,
        ...labels(details, identity, "gate"),
        ...runtime,
        // The config and audit files are 0600: run as their owner (see gateFiles), with no capabilities.
        ...files.args,
        "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--read-only",
        ...GATE_CONTAINER_LIMITS,
        // The git gate's git and its hook need a writable /tmp in the read-only root, where
        // the hook can run: docker mounts a tmpfs noexec by default, and git skips a hook it cannot run.
        ...(details.git.repos.length > 0 ? ["--tmpfs", "/tmp:rw,exec,nosuid,nodev,mode=1777"] : []),
        ...spec.routeSecrets.flatMap((name) => ["--env", name]),
        ...details.git.secretNames.flatMap((name) => ["--env", name]),
        ...superviseToken,
        details.gateImage.ref,
        "--config", GATE_CONFIG_MOUNT,
      ],
      copyIn: files.copyIn,
      start: files.copyIn.length === 0 ? undefined : ["docker", "start", names.gate],
      // Docker 20.10 takes one --network at run: the internal one is joined after.
      connect: ["docker", "network", "connect", names.internal, names.gate],
      remove: ["docker", "rm", "--force", names.gate],
    },
    agent: {
      create: [
        "docker", "run", "--detach", "--name", names.agent, "--hostname", identity,
        "--network", names.internal,
        ...labels(details, identity, "agent"),
        ...runtime,
        // PID 1 (an idle sleep) runs as root so provisioning can `docker exec` as root:
        // with no-new-privileges, engine 20.10 gives a root exec into a non-root
        // container no capabilities. The agent itself runs as the image's USER.
        "--user", "0",
        "--init", "--security-opt", "no-new-privileges", "--cap-drop", "NET_RAW",
        // Names outside the bottle resolve nowhere: the engine's resolver still answers the
        // gate's name, but forwards anything else to the agent's own loopback, not to the
        // host's resolvers. Engines before 26.0 / 25.0.4 / 23.0.11 forward an --internal
        // network's queries to a host resolver on loopback from the host's side
        // (CVE-2024-29018), a way out for data in names. Such a lookup fails in 1-2 s, not
        // 10-20 s (Docker 20.10.24's resolver never answers one it cannot forward).
        "--dns", "127.0.0.1", "--dns-option", "timeout:1", "--dns-option", "attempts:1",
        ...(details.resources.cpus === undefined ? [] : ["--cpus", String(details.resources.cpus)]),
        ...(details.resources.memory === undefined ? [] : ["--memory", details.resources.memory]),
        "--env-file", details.envFilePath,
        ...Object.entries(details.agentEnv).flatMap(([key, value]) => ["--env", `${key}=${value}`]),
        ...spec.env.forwarded.flatMap(({ key }) => ["--env", key]),
        ...superviseToken,
        ...superviseUrl,
        "--volume", `${names.workspace}:${WORKSPACE}`, "--workdir", WORKSPACE,
        // A fresh named volume is seeded from the image's home, so dotfiles the image ships
        // stay; HOME names it for every session, also in images without a passwd entry.
        "--volume", `${names.home}:${atLaunch.agentHome}`, "--env", `HOME=${atLaunch.agentHome}`,
        // The agent runs through `docker exec`; the container itself only idles.
        "--entrypoint", "sleep", atLaunch.agentImageRef ?? details.agentImage.ref, "2147483647",
      ],
      remove: ["docker", "rm", "--force", names.agent],
    },
  };
}

/**
 * The commands in launch order, for `bottle plan`. The volumes are created on resume
 * too: `docker volume create` of an existing volume is a no-op that succeeds.
 */
export function launchOrder(commands: LaunchCommands): string[][] {
  return [
    commands.internal.create,
    commands.egress.create,
    commands.workspace.create,
    commands.home.create,
    ...commands.gate.volumes,
    commands.gate.create,
    ...commands.gate.copyIn,
    ...(commands.gate.start === undefined ? [] : [commands.gate.start]),
    commands.gate.connect,
    commands.agent.create,
  ];
}
