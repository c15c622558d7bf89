import type { Backend } from "../types.ts";
import type { KubeDetails } from "./kube-plan.ts";

type Kube = Backend<KubeDetails>;

/**
 * The Kubernetes backend (experimental: not yet run against a live cluster): a gate
 * pod and an agent pod behind default-deny NetworkPolicies, claims for the work, a
 * Secret only the gate mounts. `prepare` renders without a cluster; the rest goes
 * through `@kubernetes/client-node`, and the terminal through `kubectl exec`. Each
 * operation loads its module when first called, as the docker backend's do.
 */
export const kubernetesBackend: Kube = {
  name: "kubernetes",
  summary: "pods on a Kubernetes cluster (experimental)",
  availability: async (...args) => (await import("./doctor.ts")).availability(...args),
  doctor: async (...args) => (await import("./doctor.ts")).doctor(...args),
  prepare: async (...args) => (await import("./prepare.ts")).prepare(...args),
  steps: async (...args) => (await import("./steps.ts")).steps(...args),
  cleanup: async (...args) => (await import("./operations.ts")).cleanup(...args),
  list: async (...args) => (await import("./operations.ts")).list(...args),
  attach: async (...args) => (await import("./operations.ts")).attach(...args),
  stop: async (...args) => (await import("./operations.ts")).stop(...args),
  logs: async (...args) => (await import("./operations.ts")).logs(...args),
  copy: async (...args) => (await import("./operations.ts")).copy(...args),
  shell: async (...args) => (await import("./operations.ts")).shell(...args),
  remove: async (...args) => (await import("./operations.ts")).remove(...args),
  workspaceSizes: async (...args) => (await import("./operations.ts")).workspaceSizes(...args),
};
