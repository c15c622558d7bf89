import type { KubernetesBottle } from "./kube-bottle.ts";
import { kubeMetadata, type KubeObjectOf } from "./kube-object.ts";
import { cpuQuantity, memoryQuantity } from "./quantity.ts";
import { containerSecurity, podSecurity } from "./pod-security.ts";
import { renderSecret } from "./render-secret.ts";
import { AGENT_TRUST_DIR } from "./kube-input.ts";

/** Where the workspace claim is mounted in the agent's pod (the docker backend's path). */
export const WORKSPACE = "/workspace";

/** The agent's literal and forwarded env as its own Secret, keys only until launch. */
export function renderAgentEnv(bottle: KubernetesBottle): KubeObjectOf<"Secret"> {
  return renderSecret(bottle, bottle.names.agentEnv, "agent", bottle.agent.secretEnv);
}

/** `bottles.<name>.resources` as requests equal to limits: what docker's flags cap. */
function resources(bottle: KubernetesBottle) {
  const amounts: Record<string, string> = {};
  if (bottle.resources.cpus !== undefined) amounts.cpu = cpuQuantity(bottle.resources.cpus);
  const memory = bottle.resources.memory === undefined ? undefined : memoryQuantity(bottle.resources.memory);
  if (memory !== undefined) amounts.memory = memory;
  return Object.keys(amounts).length === 0 ? undefined : { requests: amounts, limits: { ...amounts } };
}

/**
 * The agent's pod. It idles (`sleep`): the agent runs through exec with a TTY, as with
 * docker. No service-account token, no DNS (it names the gate by the Service's variable,
 * and its resolver points at nothing, so a lookup fails at once instead of leaking a
 * name to the cluster's DNS), the workspace and home claims mounted, the gate's Secret
 * never. With TLS inspection, a folder of its own for the trust bundle launch writes.
 */
export function renderAgentPod(bottle: KubernetesBottle): KubeObjectOf<"Pod"> {
  const { agent, names, target } = bottle;
  const limits = resources(bottle);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: kubeMetadata(bottle, names.agentPod, "agent"),
    spec: {
      ...(target.runtimeClassName === undefined ? {} : { runtimeClassName: target.runtimeClassName }),
      automountServiceAccountToken: false,
      // The kubelet sets the gate Service's variables only with service links on.
      enableServiceLinks: true,
      dnsPolicy: "None",
      dnsConfig: { nameservers: ["127.0.0.1"] },
      restartPolicy: "Never",
      securityContext: podSecurity(agent.uid),
      containers: [
        {
          name: "agent",
          image: agent.image,
          command: ["sleep", "2147483647"],
          workingDir: WORKSPACE,
          env: [
            { name: "HOME", value: agent.home },
            ...Object.entries(agent.env).map(([name, value]) => ({ name, value })),
          ],
          ...(agent.secretEnv.length === 0 ? {} : { envFrom: [{ secretRef: { name: names.agentEnv } }] }),
          ...(limits === undefined ? {} : { resources: limits }),
          securityContext: containerSecurity(false),
          stdin: true,
          tty: true,
          volumeMounts: [
            { name: "workspace", mountPath: WORKSPACE },
            { name: "home", mountPath: agent.home },
            ...(agent.trustBundle === undefined ? [] : [{ name: "trust", mountPath: AGENT_TRUST_DIR }]),
          ],
        },
      ],
      volumes: [
        { name: "workspace", persistentVolumeClaim: { claimName: names.workspace } },
        { name: "home", persistentVolumeClaim: { claimName: names.home } },
        // TLS inspection: the bundle launch writes (the image's roots and the gate's CA), new with each pod.
        ...(agent.trustBundle === undefined ? [] : [{ name: "trust", emptyDir: {} }]),
      ],
    },
  };
}
