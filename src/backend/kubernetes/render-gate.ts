import { GATE_MEMORY } from "../gate-runtime/gate-config.ts";
import { KUBE_GATE_UID } from "../images/gate-git-tools.ts";
import type { KubernetesBottle } from "./kube-bottle.ts";
import { GATE_KEYS_DIR, GATE_STATE_DIR } from "./kube-input.ts";
import { roleSelector } from "./kube-labels.ts";
import { kubeMetadata, type KubeObjectOf } from "./kube-object.ts";
import { containerSecurity, podSecurity } from "./pod-security.ts";
import { memoryQuantity } from "./quantity.ts";
import { renderSecret } from "./render-secret.ts";

/** Where the gate's config is mounted in its pod. */
export const GATE_CONFIG_DIR = "/etc/bottle";
/** The uid the gate runs as: never root; the gate image has an account for it (ssh needs one). */
export const GATE_UID = KUBE_GATE_UID;

/** The gate's config as a ConfigMap: policy, supervise, git (pinned host keys), the audit path; credentials stay `${NAME}` references. */
export function renderGateConfig(bottle: KubernetesBottle): KubeObjectOf<"ConfigMap"> {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: kubeMetadata(bottle, bottle.names.gateConfig, "gate"),
    data: { "gate.json": `${JSON.stringify(bottle.gate.config, null, 2)}\n` },
  };
}

/** The gate's Secret (route credentials, git keys), keys only until launch fills it. */
export function renderGateSecret(bottle: KubernetesBottle): KubeObjectOf<"Secret"> {
  return renderSecret(bottle, bottle.names.gateSecret, "gate", bottle.gate.secrets);
}

/** The Service the agent reaches the gate by: cluster-internal, the proxy and the control port (supervise, git, the CA) only. */
export function renderGateService(bottle: KubernetesBottle): KubeObjectOf<"Service"> {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: kubeMetadata(bottle, bottle.names.service, "gate"),
    spec: {
      type: "ClusterIP",
      selector: roleSelector(bottle.identity, "gate"),
      ports: [
        { name: "gate", port: bottle.gate.port, targetPort: bottle.gate.port, protocol: "TCP" },
        { name: "control", port: bottle.gate.controlPort, targetPort: bottle.gate.controlPort, protocol: "TCP" },
      ],
    },
  };
}

/**
 * The gate's pod: its own pod, not a sidecar, since NetworkPolicies select whole pods
 * and only the gate may leave. Route credentials (and the supervise token) reach its
 * environment from the Secret by name; git keys are files only it mounts (0440 and the
 * pod's group: Secret files belong to root, and ssh takes a key it does not own only
 * when no one else may read it); its state claim holds the audit log, requests and
 * mirrors; `/tmp` is a volume of its own (the root is read-only, and the git gate runs
 * its hook from there); readiness is its own `/healthz`.
 */
export function renderGatePod(bottle: KubernetesBottle): KubeObjectOf<"Pod"> {
  const { gate, names, target } = bottle;
  const envSecrets = gate.secrets.filter((source) => !("file" in source));
  const keyFiles = gate.secrets.filter((source) => "file" in source);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: kubeMetadata(bottle, names.gatePod, "gate"),
    spec: {
      ...(target.runtimeClassName === undefined ? {} : { runtimeClassName: target.runtimeClassName }),
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: "Always",
      securityContext: podSecurity(GATE_UID),
      containers: [
        {
          name: "gate",
          image: gate.image,
          args: ["--config", `${GATE_CONFIG_DIR}/gate.json`],
          ports: [
            { name: "gate", containerPort: gate.port, protocol: "TCP" },
            { name: "control", containerPort: gate.controlPort, protocol: "TCP" },
          ],
          env: envSecrets.map(({ key }) => ({ name: key, valueFrom: { secretKeyRef: { name: names.gateSecret, key } } })),
          readinessProbe: { httpGet: { path: "/healthz", port: gate.port }, periodSeconds: 1, failureThreshold: 30 },
          securityContext: containerSecurity(true),
          // The same memory cap as docker's gate (a pod's process count is the kubelet's to cap, not a pod's).
          resources: { requests: { memory: "128Mi" }, limits: { memory: memoryQuantity(GATE_MEMORY)! } },
          volumeMounts: [
            { name: "config", mountPath: GATE_CONFIG_DIR, readOnly: true },
            ...(keyFiles.length === 0 ? [] : [{ name: "keys", mountPath: GATE_KEYS_DIR, readOnly: true }]),
            { name: "state", mountPath: GATE_STATE_DIR },
            { name: "tmp", mountPath: "/tmp" },
          ],
        },
      ],
      volumes: [
        { name: "config", configMap: { name: names.gateConfig, items: [{ key: "gate.json", path: "gate.json" }] } },
        ...(keyFiles.length === 0
          ? []
          : [{ name: "keys", secret: { secretName: names.gateSecret, defaultMode: 0o440, items: keyFiles.map(({ key }) => ({ key, path: key })) } }]),
        { name: "state", persistentVolumeClaim: { claimName: names.gateState } },
        { name: "tmp", emptyDir: {} },
      ],
    },
  };
}
