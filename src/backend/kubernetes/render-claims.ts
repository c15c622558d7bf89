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

/**
 * The workspace and the agent's home as claims: `stop` deletes the pods and keeps
 * these, so `resume` finds the work and `~/.claude` where they were.
 */
export function renderClaims(bottle: KubernetesBottle): KubeObjectOf<"PersistentVolumeClaim">[] {
  return [claim(bottle, bottle.names.workspace, bottle.target.workspaceSize), claim(bottle, bottle.names.home, bottle.target.homeSize)];
}
