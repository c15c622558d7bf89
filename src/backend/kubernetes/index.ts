import type { Backend } from "../types.ts";
import { availability, doctor } from "./doctor.ts";
import type { KubeDetails } from "./kube-plan.ts";
import { attach, cleanup, copy, list, logs, remove, shell, stop, workspaceSizes } from "./operations.ts";
import { prepare } from "./prepare.ts";
import { steps } from "./steps.ts";

/**
 * The Kubernetes backend (experimental: not yet run against a live cluster): a gate
 * pod and an agent pod behind default-deny NetworkPolicies, claims for the work, a
 * Secret only the gate mounts. `prepare` renders without a cluster; the rest goes
 * through `@kubernetes/client-node`, and the terminal through `kubectl exec`.
 */
export const kubernetesBackend: Backend<KubeDetails> = {
  name: "kubernetes",
  summary: "pods on a Kubernetes cluster (experimental)",
  availability,
  doctor,
  prepare,
  steps,
  cleanup,
  list,
  attach,
  stop,
  logs,
  copy,
  shell,
  remove,
  workspaceSizes,
};
