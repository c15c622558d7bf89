/** Every object a Kubernetes bottle makes, by name. */
export interface KubeNames {
  gatePod: string;
  agentPod: string;
  /** The gate's Service; also the DNS-1035 label its environment variables derive from. */
  service: string;
  gateConfig: string;
  gateSecret: string;
  agentEnv: string;
  workspace: string;
  home: string;
  /** The gate's own claim: its audit log, supervise requests and git mirrors outlive its pod. */
  gateState: string;
  policies: { deny: string; agentEgress: string; gateIngress: string; gateEgress: string };
}

/**
 * An identity as the stem of Kubernetes names. Identities are `<agent>-<8 base-32>`, and
 * agent names may hold `_` and `.`, which a Service name (a DNS-1035 label: a letter
 * first, then lowercase letters, digits and `-`, at most 63) refuses; `bottle-` puts a
 * letter first. Two agents that differ only in `_`/`.` vs `-` could share a stem, but
 * the random part tells them apart, and every lookup goes by label, not name.
 */
export function kubeStem(identity: string): string {
  return `bottle-${identity.replace(/[^a-z0-9-]/g, "-")}`;
}

/**
 * Names a bottle's objects after its identity. The longest, the Service
 * (`bottle-` + a 49-character identity + `-gate`), stays within 63.
 */
export function kubeNames(identity: string): KubeNames {
  const stem = kubeStem(identity);
  return {
    gatePod: `${stem}-gate`,
    agentPod: `${stem}-agent`,
    service: `${stem}-gate`,
    gateConfig: `${stem}-gate-config`,
    gateSecret: `${stem}-gate-secrets`,
    agentEnv: `${stem}-agent-env`,
    workspace: `${stem}-workspace`,
    home: `${stem}-home`,
    gateState: `${stem}-gate-state`,
    policies: {
      deny: `${stem}-deny-all`,
      agentEgress: `${stem}-agent-to-gate`,
      gateIngress: `${stem}-gate-from-agent`,
      gateEgress: `${stem}-gate-egress`,
    },
  };
}

/**
 * The variable the kubelet sets in pods created after a Service, holding its cluster
 * address (`<NAME>_SERVICE_HOST`, upper case, `-` as `_`). The agent's proxy settings
 * name the gate through it (`$(…)` is expanded by the kubelet), so the agent needs no
 * DNS at all and the plan needs no address known only at launch.
 */
export function serviceHostVariable(service: string): string {
  return `${service.toUpperCase().replace(/-/g, "_")}_SERVICE_HOST`;
}
