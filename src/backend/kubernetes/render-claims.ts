import type { KubernetesBottle } from "./kube-bottle.ts";
import { kubeMetadata, type KubeObjectOf } from "./kube-object.ts";

function claim(bottle: KubernetesBottle, name: string, size: string): KubeObjectOf<"PersistentVolumeClaim"> {
  const { storageClassName } = bottle.target;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: kubeMetadata(bottle, name, "volume"),
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...(storageClassName === undefined ? {} : { storageClassName }),
      resources: { requests: { storage: size } },
    },
  };
}

/** The gate's state claim's size. By default, 1Gi: an audit log, requests and the git gate's mirrors. */
export const GATE_STATE_SIZE = "1Gi";

/**
 * The workspace, the agent's home and the gate's state as claims: `stop` deletes the
 * pods and keeps these, so `resume` finds the work and `~/.claude` where they were, and
 * the gate its audit log, the session's approvals and its mirrors. Only the gate mounts
 * its own.
 */
export function renderClaims(bottle: KubernetesBottle): KubeObjectOf<"PersistentVolumeClaim">[] {
  return [
    claim(bottle, bottle.names.workspace, bottle.target.workspaceSize),
    claim(bottle, bottle.names.home, bottle.target.homeSize),
    claim(bottle, bottle.names.gateState, GATE_STATE_SIZE),
  ];
}
