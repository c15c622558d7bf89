import type { INetworkPolicyEgressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule";
import type { INetworkPolicyPort } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort";
import { LABEL } from "../../core/labels.ts";
import { parseAllowEntry } from "../../manifest/egress-schema.ts";
import { parseUpstream } from "../../gate/services/git/parse-upstream.ts";
import type { KubernetesBottle } from "./kube-bottle.ts";
import { roleSelector } from "./kube-labels.ts";
import { kubeMetadata, type KubeObjectOf } from "./kube-object.ts";

/**
 * Ranges the gate never reaches through the cluster network unless `allow_cidrs` names
 * them: private, loopback, link-local (cloud metadata), CGNAT, ULA. The gate's own SSRF
 * guard refuses them too; this is the second wall, enforced by the cluster.
 */
export const NON_PUBLIC_V4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10", "0.0.0.0/8"];
export const NON_PUBLIC_V6 = ["fc00::/7", "fe80::/10", "::1/128"];

type Policy = KubeObjectOf<"NetworkPolicy">;

/**
 * The ports the gate connects out on: 80, 443, any port a route's upstream or an allow
 * entry's tunnel names, and each git upstream's (ssh on 22 unless it names one).
 */
export function egressPorts(bottle: KubernetesBottle): number[] {
  const ports = new Set([80, 443]);
  for (const route of bottle.gate.config.egress.routes) {
    const port = new URL(route.upstream).port;
    if (port !== "") ports.add(Number(port));
  }
  for (const entry of bottle.gate.config.egress.allow) {
    for (const port of parseAllowEntry(typeof entry === "string" ? entry : entry.host)?.ports ?? []) ports.add(port);
  }
  for (const repo of bottle.gate.config.git ?? []) {
    const parsed = parseUpstream(repo.upstream);
    if (!parsed.ok || parsed.upstream.kind === "local") continue;
    ports.add(parsed.upstream.port ?? (parsed.upstream.kind === "ssh" ? 22 : 443));
  }
  return [...ports].sort((a, b) => a - b);
}

function policy(bottle: KubernetesBottle, name: string, spec: Policy["spec"]): Policy {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: kubeMetadata(bottle, name, "network"), spec };
}

/**
 * The bottle's NetworkPolicies. The first denies every way in and out of both pods;
 * the others open exactly: agent → gate (its two ports), gate ← agent, gate → cluster DNS,
 * gate → public addresses on the egress ports, gate → `allow_cidrs` (any port: a
 * private upstream names its own). Which hosts the gate may reach is its own policy:
 * a NetworkPolicy cannot name a host.
 */
export function renderPolicies(bottle: KubernetesBottle): Policy[] {
  const { identity, names } = bottle;
  // The proxy port, and the control port (supervise, git, the CA certificate).
  const gatePort: INetworkPolicyPort[] = [
    { port: bottle.gate.port, protocol: "TCP" },
    { port: bottle.gate.controlPort, protocol: "TCP" },
  ];
  const dns: INetworkPolicyEgressRule = {
    to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
    ports: [
      { port: 53, protocol: "UDP" },
      { port: 53, protocol: "TCP" },
    ],
  };
  const publicEgress: INetworkPolicyEgressRule = {
    to: [
      { ipBlock: { cidr: "0.0.0.0/0", except: NON_PUBLIC_V4 } },
      { ipBlock: { cidr: "::/0", except: NON_PUBLIC_V6 } },
    ],
    ports: egressPorts(bottle).map((port) => ({ port, protocol: "TCP" })),
  };
  const cidrs = bottle.gate.config.egress.allow_cidrs;
  return [
    policy(bottle, names.policies.deny, {
      podSelector: { matchLabels: { [LABEL.identity]: identity } },
      policyTypes: ["Ingress", "Egress"],
    }),
    policy(bottle, names.policies.agentEgress, {
      podSelector: { matchLabels: roleSelector(identity, "agent") },
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: { matchLabels: roleSelector(identity, "gate") } }], ports: gatePort }],
    }),
    policy(bottle, names.policies.gateIngress, {
      podSelector: { matchLabels: roleSelector(identity, "gate") },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: roleSelector(identity, "agent") } }], ports: gatePort }],
    }),
    policy(bottle, names.policies.gateEgress, {
      podSelector: { matchLabels: roleSelector(identity, "gate") },
      policyTypes: ["Egress"],
      egress: [dns, publicEgress, ...(cidrs.length === 0 ? [] : [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })) }])],
    }),
  ];
}
