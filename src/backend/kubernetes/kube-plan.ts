import type { KubernetesBottle } from "./kube-bottle.ts";
import type { KubeObject } from "./kube-object.ts";

/** What `prepare` resolved for Kubernetes: `Plan.details` of a kubernetes plan. No secret values. */
export interface KubeDetails {
  /** The renderers' input: names, target, images, Secret sources (names and paths, never values). */
  bottle: KubernetesBottle;
  /** Every object, in apply order, as rendered (Secrets without data). */
  objects: KubeObject[];
}
