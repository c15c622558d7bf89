import { UsageError } from "../core/errors.ts";
import { dockerBackend } from "./docker/index.ts";
import { kubernetesBackend } from "./kubernetes/index.ts";
import { smolmachinesBackend } from "./smolmachines/index.ts";
import type { Backend } from "./types.ts";

/** Every backend by name, in the order they are offered. Adding one (Kubernetes…) is a line here, not a CLI change. */
const BACKENDS: Record<string, () => Backend> = {
  docker: () => dockerBackend,
  smolmachines: () => smolmachinesBackend,
  kubernetes: () => kubernetesBackend,
};

/** The one function that picks a backend by name. */
export function selectBackend(name: string): Backend {
  const make = BACKENDS[name];
  if (make === undefined) {
    throw new UsageError(`unknown backend: ${name}`, `available: ${Object.keys(BACKENDS).join(", ")}`);
  }
  return make();
}

/** Names of the backends this build has; the first is the default. */
export function backendNames(): string[] {
  return Object.keys(BACKENDS);
}

/** The default backend: the first registered (a bottle with no recorded backend ran on it). */
export function defaultBackendName(): string {
  return backendNames()[0]!;
}

/** Every backend, in order (doctor, list and cleanup ask each). */
export function allBackends(): Backend[] {
  return backendNames().map(selectBackend);
}
