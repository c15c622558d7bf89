import type { GateImagePlan } from "../images/gate-image.ts";
import type { ImagePlan } from "../images/agent-image.ts";
import type { PlannedPort } from "../agent/agent-env.ts";

/** Where the guest reaches the host: smolvm's gateway address for host loopback. */
export const HOST_GATEWAY = "100.96.0.1";

/** Where the workspace is mounted in the guest. */
export const WORKSPACE = "/workspace";

/** Where the skills folder is mounted (read-only) for provisioning to copy from. */
export const SKILLS_MOUNT = "/opt/bottle/skills";

/** The guest file holding the agent's literal and forwarded env (0600, written over stdin). */
export const GUEST_ENV_FILE = "/tmp/bottle/agent.env";

/** What `prepare` resolved for smolmachines: `Plan.details` of a smolmachines plan. No secret values. */
export interface SmolDetails {
  owner: string;
  /** `bottle-<identity>`. */
  machine: string;
  gate: string;
  agentImage: ImagePlan;
  gateImage: GateImagePlan;
  /** Whole CPUs (smolvm takes no fractions); undefined: smolvm's default. */
  cpus: number | undefined;
  /** MiB; undefined: smolvm's default. */
  memMib: number | undefined;
  gateUser: string;
}

/**
 * Values only launch knows, typed. `bottle plan` shows the commands without them
 * (see `smolCommands`): the gate's host port is published by Docker when the gate
 * starts, the artifact exists once the image is packed.
 */
export interface SmolAtLaunch {
  /** The gate's published port on host loopback. */
  gatePort: number;
  /** The packed artifact `machine create --from` takes. */
  artifact: string;
  /** The agent user's home in its image, where the bottle's home folder is mounted. */
  agentHome: string;
  /** The supervise MCP server's URL on the host gateway (its control port is published too), when the bottle enables it. */
  superviseUrl?: string;
}

/** What `bottle plan` knows of `SmolAtLaunch`: the port shows as `<gate-port>`. */
export interface SmolPlanned {
  gatePort: PlannedPort;
  artifact: string;
  agentHome: string;
}

/** `4g`, `512m`, `1.5g`, `1073741824` (bytes) → MiB, rounded up. */
export function memoryMib(memory: string | undefined): number | undefined {
  if (memory === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)([bkmg]?)$/i.exec(memory.trim());
  if (match === null) return undefined;
  const bytes = Number(match[1]) * { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as "" | "b" | "k" | "m" | "g"];
  return Math.max(1, Math.ceil(bytes / 1024 ** 2));
}
