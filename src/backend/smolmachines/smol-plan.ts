import type { GitGatePlan } from "../../gate/services/git/plan-git-gate.ts";
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

/**
 * The guest's CA bundle with TLS inspection: the image's system bundle plus the
 * bottle's CA, written at provisioning. It lives in the guest's own folder because
 * `machine exec` runs as the image's user, who cannot write the system bundle; the
 * trust variables (`SSL_CERT_FILE`, `NODE_EXTRA_CA_CERTS`, …) name it.
 */
export const GUEST_CA_BUNDLE = "/tmp/bottle/ca-certificates.crt";

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
  /** The git gate's repos, mounts and token names (none: no git service). */
  git: GitGatePlan;
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
  /** The gate's control port published on host loopback (git gate, supervise), when the bottle uses it. */
  controlPort?: number;
}

/** What `bottle plan` knows of `SmolAtLaunch`: the port shows as `<gate-port>`. */
export interface SmolPlanned {
  gatePort: PlannedPort;
  artifact: string;
  agentHome: string;
  controlPort?: PlannedPort;
}

/** `4g`, `512m`, `1.5g`, `1073741824` (bytes) → MiB, rounded up. */
export function memoryMib(memory: string | undefined): number | undefined {
  if (memory === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)([bkmg]?)$/i.exec(memory.trim());
  if (match === null) return undefined;
  const bytes = Number(match[1]) * { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as "" | "b" | "k" | "m" | "g"];
  return Math.max(1, Math.ceil(bytes / 1024 ** 2));
}
