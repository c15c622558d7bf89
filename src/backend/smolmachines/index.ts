import type { Backend } from "../types.ts";
import type { SmolDetails } from "./smol-plan.ts";

type Smol = Backend<SmolDetails>;

/**
 * The smolmachines backend: a smolvm microVM per bottle, behind the same gate as docker.
 * Each operation loads its module when first called, so `bottle list` does not pay
 * for image builds, launch steps and provisioning it never runs.
 */
export const smolmachinesBackend: Smol = {
  name: "smolmachines",
  summary: "a microVM per bottle (needs smolvm and /dev/kvm)",
  availability: async (...args) => (await import("./usable.ts")).availability(...args),
  doctor: async (...args) => (await import("./doctor.ts")).doctor(...args),
  prepare: async (...args) => (await import("./prepare.ts")).prepare(...args),
  steps: async (...args) => (await import("./steps.ts")).steps(...args),
  cleanup: async (...args) => (await import("./cleanup.ts")).cleanup(...args),
  list: async (...args) => (await import("./list.ts")).list(...args),
  attach: async (...args) => (await import("./attach.ts")).attach(...args),
  stop: async (...args) => (await import("./stop.ts")).stop(...args),
  logs: async (...args) => (await import("./logs.ts")).logs(...args),
  copy: async (...args) => (await import("./copy.ts")).copy(...args),
  shell: async (...args) => (await import("./shell.ts")).shell(...args),
  remove: async (...args) => (await import("./remove.ts")).remove(...args),
  workspaceSizes: async (...args) => (await import("./workspace-sizes.ts")).workspaceSizes(...args),
};
