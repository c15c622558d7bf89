import type { KubernetesBottle } from "./kube-bottle.ts";
import type { KubeObject } from "./kube-object.ts";
import { renderAgentEnv, renderAgentPod } from "./render-agent.ts";
import { renderClaims } from "./render-claims.ts";
import { renderGateConfig, renderGatePod, renderGateSecret, renderGateService } from "./render-gate.ts";
import { renderPolicies } from "./render-policies.ts";

/**
 * Every object of one bottle, in the order launch applies them: config and Secrets
 * first, then the claims, then the NetworkPolicies (so no pod ever runs unconfined),
 * the Service (the agent's pod reads its variables when it starts), the gate, the agent.
 * Pure: `prepare` and `bottle plan` call it without a cluster.
 */
export function renderBottle(bottle: KubernetesBottle): KubeObject[] {
  return [
    renderGateConfig(bottle),
    renderGateSecret(bottle),
    renderAgentEnv(bottle),
    ...renderClaims(bottle),
    ...renderPolicies(bottle),
    renderGateService(bottle),
    renderGatePod(bottle),
    renderAgentPod(bottle),
  ];
}
